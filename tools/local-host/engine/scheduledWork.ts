import type { AppFunctions } from '../worker-channel/appFunctions';
import { EventType, type HistoryEvent } from '../model/history';
import type { InstanceRecord } from '../store/store';
import type { FollowingEpisodeRequest } from '../worker-channel/workerProcess';

/** What scheduled work needs from the engine. */
export interface WorkHost {
    readonly functions: AppFunctions;
    now(): Date;
    /** Adds a message to an instance's inbox (ignored if the execution moved on). */
    deliver(instanceId: string, executionId: string, event: HistoryEvent): Promise<void>;
    startSubOrchestration(parent: InstanceRecord, created: HistoryEvent): void;
    log(message: string): void;
}

/** `then`: the episode the worker may run right after this activity (see AppFunctions.runsFollowingEpisodes). */
export type WorkHandler = (
    host: WorkHost,
    record: InstanceRecord,
    scheduled: HistoryEvent,
    then?: FollowingEpisodeRequest,
) => void;

/** Scheduling events still waiting for their completion (in history or inbox). */
export function outstandingWork(record: InstanceRecord): HistoryEvent[] {
    const answered = new Set<number>();
    for (const event of [...record.history, ...record.inbox]) {
        if (event.EventType === EventType.TimerFired) answered.add(event.TimerId as number);
        else if (typeof event.TaskScheduledId === 'number') answered.add(event.TaskScheduledId);
    }
    return record.history.filter((e) => WORK_EVENT_TYPES.has(e.EventType) && !answered.has(e.EventId));
}

const WORK_EVENT_TYPES = new Set<number>([
    EventType.TaskScheduled,
    EventType.TimerCreated,
    EventType.SubOrchestrationInstanceCreated,
]);
