import type { AppFunctions } from '../worker-channel/appFunctions';
import { invokeOrchestrator, type OrchestratorState } from '../triggers/durable';
import { EventType, failureFields, historyEvent, type HistoryEvent } from '../model/history';
import type { ActionNodeRegistry } from './actionNodes';
import { ReplayShim, type ShimResult } from './replayShim';
import type { InstanceRecord } from '../store/store';
import type { EpisodeRequest } from '../worker-process/episodeHistory';

export const SCHEMA_VERSION_V3 = 2;
export const TIMER_SETTINGS = {
    maximumShortTimerDuration: '6.00:00:00',
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumMs: 6 * 86400000,
    intervalMs: 3 * 86400000,
};

export type EpisodeResult =
    | { kind: 'continue'; shim: ShimResult; state: OrchestratorState }
    | { kind: 'completed'; shim: ShimResult; state: OrchestratorState }
    | { kind: 'continueAsNew'; shim: ShimResult; state: OrchestratorState; input?: string }
    | { kind: 'failed'; error: Error; state?: OrchestratorState };

/**
 * Invokes the orchestrator over its history plus the new events, then replays its actions to find
 * the new work, as one DurableTask episode does.
 */
export async function runEpisode(
    functions: AppFunctions,
    record: InstanceRecord,
    newEvents: HistoryEvent[],
    actionNodes?: ActionNodeRegistry,
    skipIfStale = false,
): Promise<EpisodeResult> {
    const episode = { ...committedEpisode(record), newEvents, skipIfStale };
    const outcome = await invokeOrchestrator(functions, record.name, episode);
    const history = [...record.history, ...newEvents];
    if (!outcome.ok) return { kind: 'failed', error: outcome.error, state: outcome.state };
    const { state } = outcome;
    let shim: ShimResult;
    try {
        shim = new ReplayShim(
            record.instanceId,
            { maximumMs: TIMER_SETTINGS.maximumMs, intervalMs: TIMER_SETTINGS.intervalMs },
            actionNodes,
        ).run(state.actions ?? [], history, state.schemaVersion);
    } catch (err) {
        functions.endEpisodes(record.instanceId);
        return { kind: 'failed', error: err as Error, state };
    }
    if (state.isDone && shim.continueAsNew)
        return { kind: 'continueAsNew', shim, state, input: shim.continueAsNew.input };
    if (state.isDone) return { kind: 'completed', shim, state };
    return { kind: 'continue', shim, state };
}

/** An episode of the instance's current execution over its committed history (the new events to add). */
export function committedEpisode(record: InstanceRecord): Omit<EpisodeRequest, 'triggerName' | 'newEvents'> {
    return {
        executionId: record.executionId,
        history: record.history,
        fields: {
            input: record.input === undefined ? undefined : JSON.parse(record.input),
            instanceId: record.instanceId,
            parentInstanceId: record.parent?.instanceId ?? null,
            upperSchemaVersion: SCHEMA_VERSION_V3,
            longRunningTimerIntervalDuration: TIMER_SETTINGS.longRunningTimerIntervalDuration,
            maximumShortTimerDuration: TIMER_SETTINGS.maximumShortTimerDuration,
            defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
        },
    };
}

/** The JSON text the status API shows as `output` for a failed orchestration. */
export function failureOutput(record: InstanceRecord, error: Error): string {
    return JSON.stringify(`Orchestrator function '${record.name}' failed: ${error.message}`);
}

export function executionCompleted(
    at: Date,
    status: 'Completed' | 'Failed' | 'Terminated',
    result?: string,
    error?: Error,
): HistoryEvent {
    const fields: Record<string, unknown> = { OrchestrationStatus: status, Result: result };
    if (error) fields.FailureDetails = failureFields(error).FailureDetails;
    return historyEvent(
        status === 'Terminated' ? EventType.ExecutionTerminated : EventType.ExecutionCompleted,
        at,
        fields,
    );
}
