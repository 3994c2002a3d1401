import { setImmediate as nextTurn } from 'node:timers/promises';
import { Engine } from '../local-host/engine/engine';
import { attachEntities } from '../local-host/engine/entities/orchestrationBridge';
import type { EntityScheduler } from '../local-host/engine/entities/entityScheduler';
import type { EpisodeResult } from '../local-host/engine/episode';
import { historyJson } from '../local-host/durable-api/statusJson';
import { isTerminal, MemoryStore, type InstanceRecord, type RuntimeStatus } from '../local-host/store/store';
import type { LogSink } from '../local-host/worker-process/functionsCore';
import type { VersioningSettings } from '../local-host/engine/versioning';
import { EventType, type HistoryEvent } from '../local-host/model/history';
import type { ActivityCall, KitFunctions } from './activities';
import { atCaller } from './testFailure';
import { VirtualClock } from './virtualClock';
import { episodesOf, type Episode } from './episodes';
import { describeEventsNeverAwaited, eventsNeverAwaited, unknownFunctionCall } from './mistakes';
import { describeWaits } from './waits';

export interface OrchestrationResult {
    name: string;
    instanceId: string;
    runtimeStatus: RuntimeStatus;
    /** The instance's version (its ExecutionStarted event's), '' or undefined when it has none. */
    version: string | undefined;
    /**
     * The orchestrator's return value (for a Failed orchestration, the failure message, as the status API shows it).
     */
    output: unknown;
    customStatus: unknown;
    /** History as the status API shows it with showHistory and showHistoryOutput. */
    history: Record<string, unknown>[];
    /** The orchestrator's episodes in order, each with the work it scheduled. */
    episodes: Episode[];
    /** Every activity call, stubbed or real, in the order they ran. */
    activityCalls: ActivityCall[];
    /** External events raised on it that it never waited for under that name (e.g. 'Approval' for 'approval'). */
    eventsNeverAwaited: string[];
    /** Virtual time now. */
    now: Date;
}

/** A duration in virtual time: milliseconds, or parts that add up. */
export type Duration = number | { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number };

export function durationMs(duration: Duration): number {
    if (typeof duration === 'number') return duration;
    const { days = 0, hours = 0, minutes = 0, seconds = 0, ms = 0 } = duration;
    return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

/** How far waitForCompletion lets virtual time run before it calls the orchestration stuck. */
const HORIZON_MS = durationMs({ days: 366 });

const parse = (json: string | undefined): unknown => (json === undefined ? undefined : JSON.parse(json));

/**
 * One orchestration under test: the local host's engine on a memory store and a virtual clock, the
 * app's functions in this process. Every step runs the engine until nothing moves (episodes, activities,
 * entities), then returns the orchestration's state.
 */
export class OrchestrationRun {
    readonly clock: VirtualClock;
    readonly engine: Engine;
    readonly entities: EntityScheduler;
    readonly #lastActions = new Map<string, unknown[]>();
    readonly #replayProblems: string[] = [];

    constructor(
        readonly instanceId: string,
        private readonly functions: KitFunctions,
        start: Date,
        log: LogSink,
        versioning?: VersioningSettings,
    ) {
        this.clock = new VirtualClock(start);
        this.engine = new Engine(functions, new MemoryStore(), {
            defaultVersion: versioning?.version || undefined,
            versioning,
            now: this.clock.now,
            timerClock: this.clock,
            log: (message) => log('information', 'system', message),
            onEpisode: (record, result) => this.#checkEpisode(record, result),
        });
        this.entities = attachEntities(this.engine, log);
    }

    get record(): InstanceRecord {
        return this.engine.get(this.instanceId)!;
    }

    /** The orchestration's state now (after what was already run). */
    status(): OrchestrationResult {
        const record = this.record;
        return {
            name: record.name,
            instanceId: record.instanceId,
            runtimeStatus: record.runtimeStatus,
            version: [...record.history, ...record.inbox].find((e) => e.EventType === EventType.ExecutionStarted)
                ?.Version as string | undefined,
            output: parse(record.output),
            customStatus: parse(record.customStatus),
            history: historyJson(record.history, true),
            episodes: episodesOf(record.history),
            activityCalls: [...this.functions.calls],
            eventsNeverAwaited: eventsNeverAwaited(record, this.#lastActions.get(record.instanceId) ?? []),
            now: this.clock.now(),
        };
    }

    /**
     * The instance's committed history as the engine holds it (DurableTask's events), e.g. for replay-check's histories
     * folder.
     */
    recordedHistory(): { instanceId: string; name: string; runtimeStatus: RuntimeStatus; history: HistoryEvent[] } {
        const { instanceId, name, runtimeStatus, history, inbox } = this.record;
        // Not started yet (e.g. rejected by the version check): its ExecutionStarted still waits in the inbox.
        const events = history.length > 0 ? history : inbox.filter((e) => e.EventType === EventType.ExecutionStarted);
        return { instanceId, name, runtimeStatus, history: structuredClone(events) };
    }

    /** Raises an external event now (in virtual time) and runs until nothing moves. */
    async raiseEvent(name: string, data?: unknown): Promise<OrchestrationResult> {
        await this.engine.raiseEvent(this.instanceId, name, data === undefined ? undefined : JSON.stringify(data));
        return this.settle();
    }

    /** Moves virtual time forward; timers due by then fire in order, each followed by the work it starts. */
    async advanceTime(duration: Duration): Promise<OrchestrationResult> {
        const until = this.clock.now().getTime() + durationMs(duration);
        await this.settle();
        while (this.clock.fireNext(until)) await this.settle();
        this.clock.moveTo(until);
        return this.status();
    }

    /**
     * Runs until the orchestration is Completed, Failed or Terminated, moving virtual time to each
     * pending timer in turn. Throws, naming what it waits for, when nothing is left that could finish it.
     */
    async waitForCompletion(): Promise<OrchestrationResult> {
        const horizon = this.clock.now().getTime() + HORIZON_MS;
        await this.settle();
        while (!isTerminal(this.record)) {
            if (!this.clock.fireNext(horizon)) throw this.#stuck(this.clock.nextDue !== undefined);
            await this.settle();
        }
        return this.status();
    }

    /** Runs the engine until no episode, activity or entity operation is left to run. */
    async settle(): Promise<OrchestrationResult> {
        for (;;) {
            await this.engine.whenIdle();
            await this.entities.idle();
            this.#throwTestFailure();
            const waiting = (r: InstanceRecord): boolean =>
                r.inbox.length > 0 && r.runtimeStatus !== 'Suspended' && !this.engine.versionRejected(r.instanceId);
            if (this.engine.activities.active === 0 && this.engine.list().every((r) => isTerminal(r) || !waiting(r)))
                break;
            await nextTurn();
        }
        return this.status();
    }

    close(): Promise<void> {
        return this.engine.close();
    }

    #checkEpisode(record: InstanceRecord, result: EpisodeResult): void {
        if (result.state) this.#lastActions.set(record.instanceId, result.state.actions ?? []);
        if (result.kind === 'failed') {
            if (result.error.name === 'NonDeterministicOrchestrationException')
                this.#replayProblems.push(`${result.error.message}`);
            return;
        }
        for (const difference of result.shim.replayDifferences) this.#replayProblems.push(difference);
    }

    #throwTestFailure(): void {
        if (this.functions.testFailure) throw atCaller(this.functions.testFailure);
        for (const record of this.engine.list()) {
            const unknown = unknownFunctionCall(record, (trigger) => this.functions.namesOf(trigger));
            if (unknown === undefined) continue;
            const error = new Error(unknown);
            error.name = 'UnknownFunction';
            throw atCaller(error);
        }
        const [first, ...more] = this.#replayProblems;
        if (first !== undefined) {
            const others = more.length > 0 ? ` (and ${more.length} more difference${more.length > 1 ? 's' : ''})` : '';
            const error = new Error(
                `Orchestration '${this.record.name}' is not deterministic: on replay it did not do what it did the first time${others}.\n${first}`,
            );
            error.name = 'NonDeterministicOrchestration';
            throw atCaller(error);
        }
    }

    #stuck(beyondHorizon: boolean): Error {
        const record = this.record;
        const waits = describeWaits(this.engine, record, this.#lastActions);
        if (this.engine.versionRejected(record.instanceId)) {
            const error = new Error(
                `Orchestration '${record.name}' (${record.instanceId}) never finishes: the version check rejects it (versionFailureStrategy Reject), see the log.`,
            );
            error.name = 'OrchestrationNeverFinishes';
            return atCaller(error);
        }
        const time = beyondHorizon
            ? `its next timer is due after ${HORIZON_MS / 86_400_000} days of virtual time`
            : 'no timer is pending';
        const unawaited = describeEventsNeverAwaited(record, this.#lastActions.get(record.instanceId) ?? []);
        const error = new Error(
            `Orchestration '${record.name}' (${record.instanceId}) never finishes: it is ${record.runtimeStatus} and ${waits}; ${unawaited ? `${unawaited}; ` : ''}${time} (virtual time ${this.clock.now().toISOString()}).`,
        );
        error.name = 'OrchestrationNeverFinishes';
        return atCaller(error);
    }
}
