import type { RpcTypedData } from '../worker-process/functionsCore';
import { activityResultJson, fromTypedData } from '../worker-process/invoke';
import { EPISODE_STALE } from '../worker-process/protocol';
import type { EpisodeRequest } from '../worker-process/episodeHistory';
import type { AppFunctions } from '../worker-channel/appFunctions';
import type { FollowingEpisodeRequest } from '../worker-channel/followingEpisodes';
import { triggerName } from './triggerName';

/** The state an orchestrator episode returns (durable-functions OrchestratorState). */
export interface OrchestratorState {
    isDone: boolean;
    actions: unknown[];
    output?: unknown;
    error?: string;
    customStatus?: unknown;
    schemaVersion: number;
    failureDetails?: Record<string, unknown>;
}

export type OrchestratorOutcome =
    { ok: true; state: OrchestratorState } | { ok: false; state?: OrchestratorState; error: Error };

const OUT_OF_PROC_DATA = '\n\n$OutOfProcData$:';

/**
 * Runs one orchestrator episode with the trigger the Durable extension sends (OutOfProcOrchestrationShim /
 * RemoteOrchestratorContext: `{ history, input, instanceId, isReplaying, ... }`, built by
 * worker-process/episodeHistory.ts). A failing orchestrator makes the invocation throw an OrchestrationFailureError
 * whose message carries the OrchestratorState after `$OutOfProcData$:`.
 */
export async function invokeOrchestrator(
    functions: AppFunctions,
    functionName: string,
    episode: Omit<EpisodeRequest, 'triggerName'>,
): Promise<OrchestratorOutcome> {
    const outcome = await runOrchestrator(functions, functionName, episode);
    // A stale answer is no end: the engine asks again, and the worker still holds the history.
    if (outcome.ok ? outcome.state.isDone : outcome.error.name !== EPISODE_STALE)
        functions.endEpisodes(episode.fields.instanceId);
    return outcome;
}

async function runOrchestrator(
    functions: AppFunctions,
    functionName: string,
    episode: Omit<EpisodeRequest, 'triggerName'>,
): Promise<OrchestratorOutcome> {
    try {
        const name = triggerName(functions, functionName, 'orchestrationTrigger');
        const response = await functions.invokeEpisode(functionName, { ...episode, triggerName: name });
        return { ok: true, state: fromTypedData(response.returnValue) as OrchestratorState };
    } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const at = error.message.indexOf(OUT_OF_PROC_DATA);
        if (at < 0) return { ok: false, error };
        const state = JSON.parse(error.message.slice(at + OUT_OF_PROC_DATA.length)) as OrchestratorState;
        const failure = new Error(state.error ?? error.message.slice(0, at));
        failure.stack = error.stack;
        return { ok: false, state, error: failure };
    }
}

/**
 * The episode to run after an activity (AppFunctions.runsFollowingEpisodes): the orchestrator's committed history,
 * without new events. Undefined when the orchestrator is no longer registered (the engine's own episode reports it).
 */
export function followingEpisode(
    functions: AppFunctions,
    functionName: string,
    episode: Omit<EpisodeRequest, 'triggerName' | 'newEvents'>,
    taskScheduledId: number,
): FollowingEpisodeRequest | undefined {
    try {
        const name = triggerName(functions, functionName, 'orchestrationTrigger');
        return { functionName, taskScheduledId, request: { ...episode, triggerName: name, newEvents: [] } };
    } catch {
        return undefined;
    }
}

/**
 * Runs an activity with its JSON input; resolves to the JSON text of its result. `work`: the task and its instance, for
 * redeliveries.
 */
export async function invokeActivity(
    functions: AppFunctions,
    functionName: string,
    inputJson: string | undefined,
    work?: { key: string; instanceId: string },
    then?: FollowingEpisodeRequest,
): Promise<string> {
    const name = triggerName(functions, functionName, 'activityTrigger');
    const response = await functions.invoke(functionName, {
        inputData: { [name]: { json: inputJson ?? 'null' } },
        workKey: work?.key,
        workInstanceId: work?.instanceId,
        then,
    });
    reportUndeliveredOutputs(functions, functionName, response.outputData ?? []);
    return activityResultJson(response);
}

/**
 * An activity's other output bindings (blob, Twilio, queue, ...) need their cloud service. The activity
 * still runs so the orchestration gets its result as in Azure, and what it set there is logged rather
 * than dropped silently (the samples' SMS challenge code, for one).
 */
function reportUndeliveredOutputs(
    functions: AppFunctions,
    functionName: string,
    outputData: { name: string; data: RpcTypedData | null | undefined }[],
): void {
    const bindings = functions.registrations.get(functionName)?.metadata.bindings ?? {};
    for (const { name, data } of outputData) {
        if (name === '$return' || data == null) continue;
        const value = fromTypedData(data);
        const shown = Buffer.isBuffer(value) ? `${value.length} bytes` : JSON.stringify(value);
        const preview = shown.length > 300 ? `${shown.slice(0, 300)}...` : shown;
        functions.log(
            'warning',
            'system',
            `Activity '${functionName}' set its '${bindings[name]?.type ?? name}' output, which is not delivered locally (it is in Azure): ${preview}`,
        );
    }
}
