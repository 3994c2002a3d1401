import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import type { InstanceRecord } from '../model/instance';
import type { Engine } from './engine';
import { outstandingWork } from './scheduledWork';

const FAILURES = new Set<number>([EventType.TaskFailed, EventType.SubOrchestrationInstanceFailed]);

interface Rewound {
    record: InstanceRecord;
    history: HistoryEvent[];
    /** Failures that arrived after the instance had failed: the rewind runs that work again instead. */
    lateFailures: HistoryEvent[];
    /** The deepest failed instances of each failed branch get the rewind message; their parents wait for them. */
    leaf: boolean;
}

/**
 * Rewinds a Failed orchestration as DurableTask's Azure Storage provider does
 * (Azure/durabletask src/DurableTask.AzureStorage/Tracking/AzureTableTrackingStore.cs RewindHistoryAsync,
 * and src/DurableTask.AzureStorage/AzureStorageOrchestrationService.cs RewindTaskOrchestrationAsync): in the failed
 * execution, each TaskFailed and its TaskScheduled become GenericEvents (replay schedules the activity afresh); each
 * SubOrchestrationInstanceFailed becomes a GenericEvent while its SubOrchestrationInstanceCreated stays
 * (the parent goes on waiting for that child) and the child is rewound the same way, recursively; the
 * failed ExecutionCompleted becomes a GenericEvent. Every rewound instance is Running again, and only
 * the "failed leaves" (rewound instances without a failed sub-orchestration) get the rewind message:
 * a parent resumes when its child reports, as in Azure. All of it is one store step.
 *
 * An outcome that arrived while an instance was Failed was dropped (a parent fails fast in `Task.all`
 * while other children still run): every task still outstanding after the rewind is re-derived
 * (an activity runs again, at least once as the extension's queue redelivers; a timer is re-armed;
 * a child that has since failed is rewound with it; one that ended otherwise reports again). An
 * outcome kept while it was Failed (an entity's answer) is replayed; a failure kept is dropped, as
 * its work runs again.
 * Returns false when the instance is not Failed.
 */
export async function rewind(engine: Engine, record: InstanceRecord, reason: string | undefined): Promise<boolean> {
    if (record.runtimeStatus !== 'Failed') return false;
    const at = engine.now();
    const plan = new Map<string, Rewound>();
    planRewind(engine, record, at, plan);
    const rewinds = [...plan.values()];
    const message = (): HistoryEvent => historyEvent(EventType.GenericEvent, at, { Data: `rewind: ${reason ?? ''}` });
    const lastUpdatedTime = at.toISOString();
    const messages = new Map(rewinds.filter((r) => r.leaf).map((r) => [r.record.instanceId, message()]));
    await engine.store.step(
        (ops) => {
            for (const { record: r, history, lateFailures } of rewinds) {
                ops.replaceExecution(
                    { ...r, history, runtimeStatus: 'Running', output: undefined, lastUpdatedTime },
                    r.executionId,
                );
                ops.take(r.instanceId, lateFailures);
                const leafMessage = messages.get(r.instanceId);
                if (leafMessage) ops.enqueue(r.instanceId, r.executionId, leafMessage);
            }
        },
        () => {
            for (const { record: r, history, lateFailures } of rewinds) {
                if (engine.get(r.instanceId) !== r) continue;
                Object.assign(r, { history, runtimeStatus: 'Running', output: undefined, lastUpdatedTime });
                r.inbox = r.inbox.filter((m) => !lateFailures.includes(m));
                const leafMessage = messages.get(r.instanceId);
                if (leafMessage) r.inbox.push(leafMessage);
            }
        },
    );
    for (const { record: r } of rewinds) {
        if (engine.get(r.instanceId) !== r) continue;
        engine.activities.rerunInFlight(r.instanceId, r.executionId);
        engine.dispatch(
            r,
            outstandingWork(r).filter(
                (e) => e.EventType !== EventType.SubOrchestrationInstanceCreated || !plan.has(String(e.InstanceId)),
            ),
        );
        engine.kick(r.instanceId);
    }
    return true;
}

function planRewind(engine: Engine, record: InstanceRecord, at: Date, plan: Map<string, Rewound>): void {
    if (plan.has(record.instanceId)) return;
    const entry: Rewound = {
        record,
        history: [],
        leaf: true,
        lateFailures: record.inbox.filter((m) => FAILURES.has(m.EventType)),
    };
    plan.set(record.instanceId, entry);
    const history = record.history;
    const failedIds = new Set(history.filter((e) => FAILURES.has(e.EventType)).map((e) => e.TaskScheduledId as number));
    const rewound = (event: HistoryEvent): HistoryEvent =>
        historyEvent(EventType.GenericEvent, at, { Data: `Rewound: ${JSON.stringify(event)}` });
    entry.history = history.map((event) => {
        if (event.EventType === EventType.ExecutionCompleted && event.OrchestrationStatus === 'Failed')
            return rewound(event);
        if (event.EventType === EventType.TaskScheduled && failedIds.has(event.EventId)) return rewound(event);
        if (FAILURES.has(event.EventType) && failedIds.has(event.TaskScheduledId as number)) return rewound(event);
        return event;
    });
    const answered = new Set(
        history.map((e) => e.TaskScheduledId).filter((id) => typeof id === 'number' && !failedIds.has(id)),
    );
    for (const created of history.filter(
        (e) => e.EventType === EventType.SubOrchestrationInstanceCreated && !answered.has(e.EventId),
    )) {
        // A child whose failure reached this instance, or one that failed after this instance had failed.
        const child = engine.get(String(created.InstanceId));
        if (
            child?.runtimeStatus !== 'Failed' ||
            child.parent?.instanceId !== record.instanceId ||
            child.parent.taskId !== created.EventId
        )
            continue;
        entry.leaf = false;
        planRewind(engine, child, at, plan);
    }
}
