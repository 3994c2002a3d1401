import type { HistoryEvent } from './types';

/**
 * Turns an instance's history (the extension's `showHistory` format) into timeline rows. The
 * extension folds each `TaskScheduled` into its `TaskCompleted`/`TaskFailed` (adding
 * `ScheduledTime`), and likewise for sub-orchestrations; scheduled events still waiting stay as
 * they are, and show here as running. Timers pair by `FireAt`.
 */
export type RowKind = 'orchestration' | 'activity' | 'suborchestration' | 'timer' | 'event';
export type RowState = 'done' | 'failed' | 'running';

export interface TimelineRow {
    kind: RowKind;
    eventType: string;
    name: string;
    start: number;
    end?: number;
    state: RowState;
    /** Timers: when the timer is due. */
    fireAt?: string;
    /** Result, input, reason or failure details, whichever the event carries. */
    detail?: unknown;
}

const SKIPPED = new Set(['OrchestratorStarted', 'OrchestratorCompleted']);
const COMPLETIONS: Record<string, { kind: RowKind; scheduled: string; state: RowState }> = {
    TaskCompleted: { kind: 'activity', scheduled: 'TaskScheduled', state: 'done' },
    TaskFailed: { kind: 'activity', scheduled: 'TaskScheduled', state: 'failed' },
    SubOrchestrationInstanceCompleted: {
        kind: 'suborchestration',
        scheduled: 'SubOrchestrationInstanceCreated',
        state: 'done',
    },
    SubOrchestrationInstanceFailed: {
        kind: 'suborchestration',
        scheduled: 'SubOrchestrationInstanceCreated',
        state: 'failed',
    },
};

const time = (iso: unknown): number => (typeof iso === 'string' ? Date.parse(iso) : NaN);

function detailOf(event: HistoryEvent): unknown {
    for (const key of ['FailureDetails', 'Result', 'Input', 'Reason', 'Details']) {
        if (event[key] !== undefined && event[key] !== null) return event[key];
    }
    return undefined;
}

// DurableTask.Core's numbering, for histories that carry `EventType` as a number.
const EVENT_TYPES = [
    'ExecutionStarted',
    'ExecutionCompleted',
    'ExecutionFailed',
    'ExecutionTerminated',
    'TaskScheduled',
    'TaskCompleted',
    'TaskFailed',
    'SubOrchestrationInstanceCreated',
    'SubOrchestrationInstanceCompleted',
    'SubOrchestrationInstanceFailed',
    'TimerCreated',
    'TimerFired',
    'OrchestratorStarted',
    'OrchestratorCompleted',
    'EventSent',
    'EventRaised',
    'ContinueAsNew',
    'GenericEvent',
    'HistoryState',
    'ExecutionSuspended',
    'ExecutionResumed',
];
const typeName = (type: unknown): string =>
    typeof type === 'number' ? (EVENT_TYPES[type] ?? String(type)) : String(type);

export function buildTimeline(history: HistoryEvent[]): TimelineRow[] {
    const rows: TimelineRow[] = [];
    // Raw (unfolded) histories pair completions to their scheduled event by id.
    const scheduledById = new Map<number, TimelineRow>();
    const timersByFireAt = new Map<string, TimelineRow>();
    for (const event of history) {
        const type = typeName(event.EventType);
        if (SKIPPED.has(type)) continue;
        const at = time(event.Timestamp);
        const completion = COMPLETIONS[type];
        if (type === 'TaskScheduled' || type === 'SubOrchestrationInstanceCreated') {
            const row: TimelineRow = {
                kind: type === 'TaskScheduled' ? 'activity' : 'suborchestration',
                eventType: type,
                name: String(event.Name ?? event.FunctionName ?? ''),
                start: at,
                state: 'running',
                detail: event.Input,
            };
            if (typeof event.EventId === 'number') scheduledById.set(event.EventId, row);
            rows.push(row);
        } else if (completion) {
            const scheduled =
                typeof event.TaskScheduledId === 'number' ? scheduledById.get(event.TaskScheduledId) : undefined;
            const row = scheduled ?? {
                kind: completion.kind,
                eventType: type,
                name: '',
                start: time(event.ScheduledTime),
                state: completion.state,
            };
            if (!scheduled) rows.push(row);
            if (Number.isNaN(row.start)) row.start = at;
            Object.assign(row, { eventType: type, end: at, state: completion.state, detail: detailOf(event) });
            row.name = String(event.FunctionName ?? event.Name ?? row.name);
        } else if (type === 'TimerCreated') {
            const row: TimelineRow = {
                kind: 'timer',
                eventType: type,
                name: 'timer',
                fireAt: String(event.FireAt ?? ''),
                start: at,
                state: 'running',
            };
            timersByFireAt.set(String(event.FireAt), row);
            rows.push(row);
        } else if (type === 'TimerFired' && timersByFireAt.has(String(event.FireAt))) {
            Object.assign(timersByFireAt.get(String(event.FireAt)) as TimelineRow, {
                eventType: type,
                end: at,
                state: 'done',
            });
        } else {
            const failed =
                type === 'ExecutionFailed' ||
                event.OrchestrationStatus === 'Failed' ||
                event.FailureDetails !== undefined;
            const name = String(event.FunctionName ?? event.Name ?? event.OrchestrationStatus ?? '');
            const kind: RowKind = type.startsWith('Execution') || type === 'ContinueAsNew' ? 'orchestration' : 'event';
            rows.push({
                kind,
                eventType: type,
                name,
                start: at,
                state: failed ? 'failed' : 'done',
                detail: detailOf(event),
            });
        }
    }
    return rows
        .map((row, index) => ({ row, index }))
        .sort((a, b) => a.row.start - b.row.start || a.index - b.index)
        .map(({ row }) => row);
}

/** The span a timeline covers: from the first event to the last end (or `now` while something runs). */
export function timelineSpan(rows: TimelineRow[], now: number): { start: number; end: number } {
    const start = Math.min(...rows.map((r) => r.start).filter(Number.isFinite));
    const ends = rows.map((r) => (r.state === 'running' ? now : (r.end ?? r.start))).filter(Number.isFinite);
    return { start, end: Math.max(start + 1, ...ends) };
}
