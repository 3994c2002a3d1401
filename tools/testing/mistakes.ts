import { ActionType, type OrchestratorAction } from '../local-host/engine/actionNodes';
import { EventType } from '../local-host/model/history';
import { isEntityInstanceId } from '../local-host/engine/entities/entityId';
import type { InstanceRecord } from '../local-host/store/store';

export function flattenActions(actions: unknown[]): OrchestratorAction[] {
    return (actions as (OrchestratorAction | OrchestratorAction[])[])
        .flat()
        .flatMap((a) => [a, ...flattenActions(a.compoundActions ?? [])]);
}

const waitedFor = (actions: unknown[]): Set<string> =>
    new Set(
        flattenActions(actions)
            .filter((a) => a.actionType === ActionType.WaitForExternalEvent)
            .map((a) => String(a.externalEventName)),
    );

/**
 * External events raised on the orchestration that it never waited for under that name. durable-functions hands
 * a raised event to the task waiting under exactly its name (lib/src/orchestrations/TaskOrchestrationExecutor.js:
 * openEvents keyed by the event's Name), so 'Approval' never completes waitForExternalEvent('approval'), and the
 * event waits in the orchestration's buffer. Entity responses (raised under their request id) are left out.
 */
export function eventsNeverAwaited(record: InstanceRecord, lastActions: unknown[]): string[] {
    const entityRequests = new Set(
        record.history
            .filter((e) => e.EventType === EventType.EventSent && isEntityInstanceId(String(e.InstanceId)))
            .map((e) => (JSON.parse(String(e.Input)) as { id: string }).id),
    );
    const awaited = waitedFor(lastActions);
    const raised = record.history.filter((e) => e.EventType === EventType.EventRaised).map((e) => String(e.Name));
    return [...new Set(raised.filter((name) => !awaited.has(name) && !entityRequests.has(name)))];
}

/** "it was sent event 'Approval', which it never waits for (... it waits for 'approval')", or '' when there is none. */
export function describeEventsNeverAwaited(record: InstanceRecord, lastActions: unknown[]): string {
    const names = eventsNeverAwaited(record, lastActions);
    if (names.length === 0) return '';
    const awaited = [...waitedFor(lastActions)];
    const hints = names.flatMap((name) =>
        awaited.filter((w) => w.toLowerCase() === name.toLowerCase()).map((w) => `'${w}', not '${name}'`),
    );
    const hint = hints.length > 0 ? ` (event names are case-sensitive: it waits for ${hints.join(' and ')})` : '';
    return `it was sent event ${names.map((n) => `'${n}'`).join(', ')}, which it never waits for${hint}`;
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours), for "did you mean". */
function distance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** The known name a mistyped one most likely meant: the same but for case, or at most two edits away. */
function closest(name: string, known: string[]): string | undefined {
    const ranked = known
        .map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) }))
        .sort((x, y) => x.d - y.d);
    return ranked[0] && ranked[0].d <= 2 ? ranked[0].k : undefined;
}

/**
 * The first activity or sub-orchestration an orchestration scheduled under a name the app does not register.
 * Azure fails that call, and with it the orchestration: "The function '<name>' doesn't exist, is disabled, or is
 * not an activity function" (Azure/azure-functions-durable-extension
 * src/WebJobs.Extensions.DurableTask/DurableTaskExtension.cs, GetInvalidActivityFunctionMessage).
 */
export function unknownFunctionCall(
    record: InstanceRecord,
    namesOf: (triggerType: string) => string[],
): string | undefined {
    const kinds = [
        {
            event: EventType.TaskScheduled,
            kind: 'activity',
            call: 'callActivity',
            trigger: 'activityTrigger',
            plural: 'activities',
        },
        {
            event: EventType.SubOrchestrationInstanceCreated,
            kind: 'sub-orchestration',
            call: 'callSubOrchestrator',
            trigger: 'orchestrationTrigger',
            plural: 'orchestrations',
        },
    ];
    for (const event of record.history) {
        const kind = kinds.find((k) => k.event === event.EventType);
        if (!kind) continue;
        const known = namesOf(kind.trigger);
        const name = String(event.Name);
        if (known.includes(name)) continue;
        const close = closest(name, known);
        return (
            `Orchestration '${record.name}' (${record.instanceId}) calls ${kind.kind} '${name}', which the app does not register ` +
            `(its ${kind.plural}: ${known.join(', ') || 'none'})${close ? `: did you mean '${close}'?` : '.'} ` +
            `In Azure the call fails ("The function '${name}' doesn't exist, is disabled, or is not an ${kind.kind === 'activity' ? 'activity' : 'orchestrator'} function") and so does the orchestration: check the name in ${kind.call}.`
        );
    }
    return undefined;
}
