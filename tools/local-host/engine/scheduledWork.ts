import type { AppFunctions } from '../worker-channel/appFunctions';
import { EventType, type HistoryEvent } from '../model/history';
import type { InstanceRecord } from '../store/store';
import type { FollowingEpisodeRequest } from '../worker-channel/followingEpisodes';
import { followingEpisode } from '../triggers/durable';
import { committedEpisode } from './episode';

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

/**
 * The episode that follows an activity which is the instance's only outstanding work (a sequence's step), for the
 * worker to run right after it (AppFunctions.runsFollowingEpisodes). The engine uses its answer only if that is still
 * the episode it runs (workerProcess.ts takeFollowing); otherwise it runs its own.
 */
export function followingEpisodeOf(
    functions: AppFunctions,
    record: InstanceRecord,
    scheduled: HistoryEvent,
): FollowingEpisodeRequest | undefined {
    if (!functions.runsFollowingEpisodes || scheduled.EventType !== EventType.TaskScheduled) return undefined;
    if (record.runtimeStatus !== 'Running' || record.inbox.length > 0) return undefined;
    const open = outstandingWork(record);
    if (open.length !== 1 || open[0].EventId !== scheduled.EventId) return undefined;
    return followingEpisode(functions, record.name, committedEpisode(record), scheduled.EventId);
}

const WORK_EVENT_TYPES = new Set<number>([
    EventType.TaskScheduled,
    EventType.TimerCreated,
    EventType.SubOrchestrationInstanceCreated,
]);
