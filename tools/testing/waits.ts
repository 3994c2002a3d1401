import { ActionType } from '../local-host/engine/actionNodes';
import type { Engine } from '../local-host/engine/engine';
import { EventType, type HistoryEvent } from '../local-host/model/history';
import { isEntityInstanceId } from '../local-host/engine/entities/entityId';
import { outstandingWork } from '../local-host/engine/scheduledWork';
import type { InstanceRecord } from '../local-host/store/store';
import { flattenActions } from './mistakes';

/** External events the orchestrator's last episode waits for that history has not delivered yet. */
function awaitedEvents(record: InstanceRecord, lastActions: unknown[]): string[] {
    const raised = new Map<string, number>();
    for (const e of record.history)
        if (e.EventType === EventType.EventRaised) raised.set(String(e.Name), (raised.get(String(e.Name)) ?? 0) + 1);
    const waiting: string[] = [];
    for (const action of flattenActions(lastActions)) {
        if (action.actionType !== ActionType.WaitForExternalEvent) continue;
        const name = String(action.externalEventName);
        const left = raised.get(name) ?? 0;
        if (left > 0) raised.set(name, left - 1);
        else waiting.push(name);
    }
    return [...new Set(waiting)];
}

function describeWork(engine: Engine, event: HistoryEvent, lastActions: Map<string, unknown[]>, depth: number): string {
    switch (event.EventType) {
        case EventType.TaskScheduled:
            return `activity '${event.Name}' (input ${event.Input ?? 'none'}), which has not returned`;
        case EventType.TimerCreated:
            return `a timer due at ${event.FireAt}`;
        default: {
            const child = engine.get(String(event.InstanceId));
            const inner = child && depth < 5 ? `, which ${describeWaits(engine, child, lastActions, depth + 1)}` : '';
            return `sub-orchestration '${event.Name}' (${event.InstanceId})${inner}`;
        }
    }
}

/** "waits for ..." in words: events, timers, activities, sub-orchestrations and entity calls still open. */
export function describeWaits(
    engine: Engine,
    record: InstanceRecord,
    lastActions: Map<string, unknown[]>,
    depth = 0,
): string {
    if (record.runtimeStatus === 'Suspended') return 'is suspended (resume it to go on)';
    const waits = awaitedEvents(record, lastActions.get(record.instanceId) ?? []).map(
        (name) => `external event '${name}'`,
    );
    for (const event of outstandingWork(record)) waits.push(describeWork(engine, event, lastActions, depth));
    const entityCalls = record.history.filter(
        (e) => e.EventType === EventType.EventSent && isEntityInstanceId(String(e.InstanceId)) && e.Name !== 'op',
    );
    for (const sent of entityCalls) {
        const requestId = (JSON.parse(String(sent.Input)) as { id: string }).id;
        if (!record.history.some((e) => e.EventType === EventType.EventRaised && e.Name === requestId))
            waits.push(`entity ${sent.InstanceId} to answer '${sent.Name}'`);
    }
    return waits.length === 0 ? 'waits for nothing the kit can see' : `waits for ${waits.join(' and ')}`;
}
