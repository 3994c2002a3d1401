import type { InvocationResponse, LogLevel, WorkerCapabilities } from '../worker-process/functionsCore';
import type { EpisodeRequest } from '../worker-process/episodeHistory';
import type { FunctionInfo, InvocationInput } from '../worker-process/protocol';
import { FunctionTimeoutError } from './functionTimeout';
import { WorkerExitedError } from './workerProcess';
import type { FollowingEpisodeRequest } from './followingEpisodes';

/**
 * The app's functions as the host sees them: their registrations and a way to invoke them. The host
 * serves them from a worker process (WorkerHost); the worker's own FunctionsCore serves them in
 * process (unit tests, and the bench's floor).
 */
export interface AppFunctions {
    readonly registrations: ReadonlyMap<string, FunctionInfo>;
    /** The current worker's capabilities (`HttpUri`: the app streams HTTP through its own proxy). */
    readonly capabilities: WorkerCapabilities;
    /**
     * Invokes a function. `beforeSend` runs with the capabilities of the worker that runs it, just
     * before the invocation is sent: the host starts forwarding an HTTP request to that worker's
     * HttpUri there (a throw cancels the invocation).
     */
    invoke(
        functionName: string,
        input: HostInvocation,
        beforeSend?: (capabilities: WorkerCapabilities) => void,
    ): Promise<InvocationResponse>;
    /** Runs an orchestrator episode: the trigger is the committed history plus the new events. */
    invokeEpisode(functionName: string, request: EpisodeRequest): Promise<InvocationResponse>;
    /**
     * Whether an activity's invocation can carry the episode that follows it (`HostInvocation.then`): the worker
     * process runs it right after the activity, saving a round trip per step of a sequence. In process there is no
     * trip to save.
     */
    readonly runsFollowingEpisodes?: boolean;
    /** The instance finished (or failed): what was kept for its episodes can go. */
    endEpisodes(instanceId: string): void;
    /** The host's log, where the app's `context.log` lines and the worker's own arrive. */
    log(level: LogLevel, category: 'user' | 'system', message: string): void;
}

/** An invocation as the host asks for it. */
export interface HostInvocation extends InvocationInput {
    /**
     * The Durable work it runs (an activity task, an entity): a redelivery key (see redelivery.ts); not sent to the
     * worker.
     */
    workKey?: string;
    /**
     * The instance whose work it is (default: `workKey`, as for an entity): its redelivery count goes when it is
     * purged.
     */
    workInstanceId?: string;
    /** The episode to run after this activity (see `runsFollowingEpisodes`); ignored in process. */
    then?: FollowingEpisodeRequest;
}

/**
 * The invocation did not finish because its worker went away (an exit, a crash, a restart after a
 * timeout) or it ran past functionTimeout. For orchestrator and entity work the Durable extension
 * aborts the session and the messages are processed again (FunctionResultStatus.FunctionsRuntimeError /
 * FunctionTimeoutError → SessionAbortedException in azure-functions-durable-extension
 * src/WebJobs.Extensions.DurableTask/DurableTaskExtension.cs and TaskEntityShim.cs).
 */
export function isInterruption(err: unknown): boolean {
    return err instanceof WorkerExitedError || err instanceof FunctionTimeoutError;
}
