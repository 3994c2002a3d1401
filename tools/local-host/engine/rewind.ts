import type { InstanceRecord } from '../store/store';
import type { Engine } from './engine';
import { EventType, historyEvent, type HistoryEvent } from './history';
import { outstandingWork } from './work';

const FAILURES = new Set<number>([EventType.TaskFailed, EventType.SubOrchestrationInstanceFailed]);
const SCHEDULES = new Set<number>([EventType.TaskScheduled, EventType.SubOrchestrationInstanceCreated]);

/**
 * Rewinds a Failed orchestration the way DurableTask's Azure Storage provider does: the failed
 * tasks' scheduling and failure events become GenericEvents (so replay schedules them afresh), the
 * failed completion is dropped, failed sub-orchestrations are rewound first, and the instance runs
 * again from where it failed. Returns false when the instance is not Failed.
 *
 * An outcome that arrived while the instance was Failed was dropped (a parent fails fast in
 * `Task.all` while other children still run): every task still outstanding after the rewind is
 * re-derived — an activity runs again (at least once, as the extension's queue redelivers), a timer
 * is re-armed, a child that has since failed is rewound with it and one that has ended otherwise
 * reports again — so a rewound instance always finishes.
 */
export function rewind(engine: Engine, record: InstanceRecord, reason: string | undefined): boolean {
    if (record.runtimeStatus !== 'Failed') return false;
    const failedIds = new Set(record.history.filter((e) => FAILURES.has(e.EventType)).map((e) => e.TaskScheduledId as number));
    for (const created of record.history.filter((e) => e.EventType === EventType.SubOrchestrationInstanceCreated && failedIds.has(e.EventId))) {
        const child = engine.get(String(created.InstanceId));
        if (child) rewind(engine, child, reason);
    }
    const at = engine.now();
    const rewound = (event: HistoryEvent): HistoryEvent => historyEvent(EventType.GenericEvent, at, { Data: `rewound: ${JSON.stringify(event)}` });
    record.history = record.history.flatMap((event) => {
        if (event.EventType === EventType.ExecutionCompleted) return [];
        if (SCHEDULES.has(event.EventType) && failedIds.has(event.EventId)) return [rewound(event)];
        if (FAILURES.has(event.EventType) && failedIds.has(event.TaskScheduledId as number)) return [rewound(event)];
        return [event];
    });
    record.runtimeStatus = 'Running';
    record.output = undefined;
    engine.deliver(record.instanceId, record.executionId, historyEvent(EventType.GenericEvent, at, { Data: `rewind: ${reason ?? ''}` }));
    const outstanding = outstandingWork(record);
    for (const created of outstanding.filter((e) => e.EventType === EventType.SubOrchestrationInstanceCreated)) {
        const child = engine.get(String(created.InstanceId));
        if (child?.parent?.instanceId === record.instanceId && child.parent.taskId === created.EventId) rewind(engine, child, reason);
    }
    engine.dispatch(record, outstanding);
    return true;
}
