import { EventType } from '../model/history';
import type { InvocationResponse } from '../worker-process/functionsCore';
import type { EpisodeRequest } from '../worker-process/episodeHistory';

/** How a following episode ended in the worker. */
export type FollowingOutcome = { response: InvocationResponse; started?: string } | { error: Error; started?: string };

/** What the host asks the worker to run after an activity (protocol.ts FollowingEpisode). */
export interface FollowingEpisodeRequest {
    functionName: string;
    /** The episode as the engine would ask for it, without its new events (the worker adds them). */
    request: EpisodeRequest;
    taskScheduledId: number;
}

/** A following episode sent with an activity, waiting for the engine to ask for it. */
interface Following {
    invocationId: string;
    functionName: string;
    executionId: string;
    history: EpisodeRequest['history'];
    count: number;
    taskScheduledId: number;
    outcome: Promise<FollowingOutcome>;
}

/** The episodes sent to follow running activities, by instance, until the engine asks for them. */
export class FollowingEpisodes {
    #byInstance = new Map<string, Following>();

    /** An episode sent with an activity; `outcome` settles when the worker answers `invocationId`. */
    add(then: FollowingEpisodeRequest, invocationId: string, outcome: Promise<FollowingOutcome>): void {
        const { executionId, history } = then.request;
        this.#byInstance.set(then.request.fields.instanceId, {
            invocationId,
            functionName: then.functionName,
            executionId,
            history,
            count: history.length,
            taskScheduledId: then.taskScheduledId,
            outcome,
        });
    }

    /**
     * The episode that ran after an activity, when `request` is that episode: same execution and committed history,
     * and its new events are OrchestratorStarted and that activity's TaskCompleted, nothing else. Its
     * OrchestratorStarted then takes the time the worker gave it (the orchestrator saw that currentUtcDateTime). Taken
     * once; undefined when none was sent or the instance moved on (the engine runs its own episode).
     */
    take(
        functionName: string,
        request: EpisodeRequest,
    ): { invocationId: string; response: Promise<InvocationResponse> } | undefined {
        const following = this.#byInstance.get(request.fields.instanceId);
        if (!following) return undefined;
        this.#byInstance.delete(request.fields.instanceId);
        const [started, completed, ...more] = request.newEvents;
        const same =
            following.functionName === functionName &&
            following.executionId === request.executionId &&
            following.history === request.history &&
            following.count === request.history.length &&
            more.length === 0 &&
            started?.EventType === EventType.OrchestratorStarted &&
            completed?.EventType === EventType.TaskCompleted &&
            completed.TaskScheduledId === following.taskScheduledId;
        if (!same) return undefined;
        const response = following.outcome.then((outcome) => {
            if (outcome.started) started.Timestamp = outcome.started;
            if ('error' in outcome) throw outcome.error;
            return outcome.response;
        });
        return { invocationId: following.invocationId, response };
    }

    delete(instanceId: string): void {
        this.#byInstance.delete(instanceId);
    }
}
