import { invokeActivity } from '../triggers/durable';
import { WorkerExitedError } from '../worker-channel/workerProcess';
import { activityFailureFields } from './activityFailure';
import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import type { InstanceRecord } from '../store/store';
import type { WorkHost } from './scheduledWork';
import type { FollowingEpisodeRequest } from '../worker-channel/followingEpisodes';

/**
 * Runs scheduled activities concurrently, at most once at a time per task. An activity interrupted
 * by its worker going away (exit, crash, restart) runs again once a worker is back: the Durable
 * extension aborts the work item on a runtime failure and the message is delivered again
 * (FunctionExecutionHelper.ExecuteActivityFunction → SessionAbortedException), so activities run at least once.
 */
export class ActivityRunner {
    #inFlight = new Set<string>();
    #rerun = new Set<string>();
    get active(): number {
        return this.#inFlight.size;
    }

    run(host: WorkHost, record: InstanceRecord, scheduled: HistoryEvent, following?: FollowingEpisodeRequest): void {
        const key = `${record.instanceId}\n${record.executionId}\n${scheduled.EventId}`;
        if (this.#inFlight.has(key)) return;
        this.#inFlight.add(key);
        const { instanceId, executionId } = record;
        const name = String(scheduled.Name);
        // Only the first run carries the episode that may follow it (`then`): a rerun means the instance moved on.
        const attempt = (then?: FollowingEpisodeRequest): Promise<HistoryEvent> =>
            invokeActivity(
                host.functions,
                name,
                scheduled.Input as string | undefined,
                { key: `${instanceId} task ${scheduled.EventId}`, instanceId },
                then,
            ).then(
                (result) =>
                    historyEvent(EventType.TaskCompleted, host.now(), {
                        TaskScheduledId: scheduled.EventId,
                        Result: result,
                    }),
                (err: unknown) => {
                    if (err instanceof WorkerExitedError) {
                        // The message was never completed: delivered again, as the extension's queue does
                        // (at-least-once).
                        host.log(
                            `Activity '${name}' (instance ${instanceId}, task ${scheduled.EventId}) was interrupted: ${err.message}; running it again.`,
                        );
                        return attempt();
                    }
                    const failure = activityFailureFields(name, err);
                    host.log(`${failure.Reason} (instance ${instanceId}, task ${scheduled.EventId})`);
                    return historyEvent(EventType.TaskFailed, host.now(), {
                        TaskScheduledId: scheduled.EventId,
                        ...failure,
                    });
                },
            );
        const settle = (event: HistoryEvent): void => {
            // Rewound while it ran: its outcome belongs to the run before the rewind; it runs again.
            if (this.#rerun.delete(key)) return void attempt().then(settle);
            this.#inFlight.delete(key);
            void host.deliver(instanceId, executionId, event);
        };
        void attempt(following).then(settle);
    }

    /** A rewind: the activities of that execution still running report their next run, not this one. */
    rerunInFlight(instanceId: string, executionId: string): void {
        for (const key of this.#inFlight) if (key.startsWith(`${instanceId}\n${executionId}\n`)) this.#rerun.add(key);
    }
}
