import { EventType, type HistoryEvent } from '../local-host/model/history';
import type { InstanceReport } from './replay';

/** Sequence numbers count from 0; steps, as people count them, from 1. */
export const stepOf = (sequenceNumber: number): number => sequenceNumber + 1;

export function describeWork(event: HistoryEvent): string {
    switch (event.EventType) {
        case EventType.TaskScheduled:
            return `activity '${String(event.Name)}'`;
        case EventType.TimerCreated:
            return `a timer (until ${String(event.FireAt)})`;
        case EventType.SubOrchestrationInstanceCreated:
            return `sub-orchestration '${String(event.Name)}'`;
        case EventType.EventSent:
            return `event '${String(event.Name)}' sent to ${String(event.InstanceId)}`;
        default:
            return `event type ${event.EventType}`;
    }
}

const WHAT_TO_DO = [
    'What to do (docs/changing-a-running-workflow.md):',
    "  - keep the old steps for the old instances: branch on context.df.version (e.g. `if (context.df.version === '1') ...`)",
    '    and raise extensions.durableTask.defaultVersion in app/host.json, so new instances take the new steps;',
    '  - or let the listed instances finish (drain) before deploying, or terminate them if they may end.',
];

/** The report for people: one line per instance, then a summary and, when something breaks, what to do. */
export function textReport(reports: InstanceReport[]): string {
    const lines: string[] = [];
    for (const r of reports) {
        const head = `${r.name} ${r.instanceId} (${r.runtimeStatus}${r.version ? `, version ${r.version}` : ''})`;
        if (r.verdict === 'breaks') lines.push(`WOULD BREAK  ${head}: ${r.reason}`);
        else if (r.verdict === 'protected') lines.push(`PROTECTED    ${head}: ${r.reason}`);
        else lines.push(`compatible   ${head}${r.notes.length > 0 ? `: ${r.notes.join('; ')}` : ''}`);
    }
    const count = (v: InstanceReport['verdict']): number => reports.filter((r) => r.verdict === v).length;
    lines.push(
        '',
        `${reports.length} instance(s): ${count('compatible')} compatible, ${count('breaks')} would break, ${count('protected')} protected by versioning.`,
    );
    if (count('breaks') > 0) lines.push(...WHAT_TO_DO);
    return `${lines.join('\n')}\n`;
}
