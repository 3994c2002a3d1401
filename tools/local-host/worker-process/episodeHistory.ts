import type { HistoryEvent } from '../model/history';
import type { RpcTypedData } from './functionsCore';

/** The orchestration trigger's fields besides its history (the extension's RemoteOrchestratorContext). */
export interface OrchestrationFields {
    input: unknown;
    instanceId: string;
    parentInstanceId: string | null;
    upperSchemaVersion: number;
    longRunningTimerIntervalDuration: string;
    maximumShortTimerDuration: string;
    defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/** One orchestrator episode as the engine asks for it: the committed history and the new events. */
export interface EpisodeRequest {
    triggerName: string;
    executionId: string;
    /**
     * The instance's committed history (the engine's own array: appended to, or replaced on rewind and
     * continue-as-new).
     */
    history: HistoryEvent[];
    newEvents: HistoryEvent[];
    fields: OrchestrationFields;
    /** The worker may answer EPISODE_STALE instead of running it (protocol.ts). */
    skipIfStale?: boolean;
}

/** What crosses to the side that invokes: committed events from `from` on (it has the earlier ones). */
export interface EpisodeInput {
    triggerName: string;
    executionId: string;
    from: number;
    past: HistoryEvent[];
    newEvents: HistoryEvent[];
    fields: OrchestrationFields;
}

export class HistoryCacheMiss extends Error {
    override name = 'HistoryCacheMiss';
}

/**
 * The sending side: remembers how much of each running instance's history the invoking side holds,
 * so an episode sends only the events committed since (the whole history the first time, after a new
 * execution or a rewind, and to a new worker).
 */
export class HistorySender {
    #sent = new Map<string, { executionId: string; history: HistoryEvent[]; count: number }>();
    #forgotten: string[] = [];

    input(request: EpisodeRequest): EpisodeInput {
        const { triggerName, executionId, history, newEvents, fields } = request;
        const sent = this.#sent.get(fields.instanceId);
        const from =
            sent && sent.executionId === executionId && sent.history === history && sent.count <= history.length
                ? sent.count
                : 0;
        this.#sent.set(fields.instanceId, { executionId, history, count: history.length });
        return { triggerName, executionId, from, past: history.slice(from), newEvents, fields };
    }

    /** The instance is done (or its episode failed): both sides drop what they hold for it. */
    forget(instanceId: string): void {
        if (this.#sent.delete(instanceId)) this.#forgotten.push(instanceId);
    }

    /** Instances to tell the invoking side to forget (taken once). */
    takeForgotten(): string[] {
        return this.#forgotten.splice(0);
    }
}

/**
 * The invoking side: keeps each running instance's committed history as JSON text (events marked
 * IsPlayed), appends what an episode adds, and builds the trigger the extension sends:
 * `{ history, input, instanceId, isReplaying, parentInstanceId, upperSchemaVersion, ... }`.
 */
export class HistoryCache {
    #entries = new Map<string, { executionId: string; count: number; json: string }>();

    inputData(episode: EpisodeInput): Record<string, RpcTypedData> {
        const { json, count } = this.remember(episode);
        const history = joinJson(json, episode.newEvents.map((e) => eventJson(e, false)).join(','));
        const rest = JSON.stringify({ ...episode.fields, isReplaying: count > 0 });
        return { [episode.triggerName]: { json: `{"history":[${history}],${rest.slice(1)}` } };
    }

    /** Takes in the episode's committed events (also when the episode itself does not run). */
    remember(episode: EpisodeInput): { json: string; count: number } {
        const { instanceId } = episode.fields;
        const entry = episode.from === 0 ? undefined : this.#entries.get(instanceId);
        if (episode.from > 0 && (entry?.executionId !== episode.executionId || entry.count !== episode.from)) {
            throw new HistoryCacheMiss(
                `The worker does not hold the first ${episode.from} history events of ${instanceId}.`,
            );
        }
        const json = joinJson(entry?.json ?? '', episode.past.map((e) => eventJson(e, true)).join(','));
        const count = episode.from + episode.past.length;
        this.#entries.set(instanceId, { executionId: episode.executionId, count, json });
        return { json, count };
    }

    forget(instanceIds: string[]): void {
        for (const id of instanceIds) this.#entries.delete(id);
    }
}

const eventJson = (event: HistoryEvent, played: boolean): string => JSON.stringify({ ...event, IsPlayed: played });
const joinJson = (a: string, b: string): string => (a && b ? `${a},${b}` : a || b);
