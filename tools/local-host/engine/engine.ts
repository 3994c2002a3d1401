import type { AppFunctions } from '../worker-channel/appFunctions';
import { isTerminal, type InstanceRecord } from '../model/instance';
import type { Store, StoreOps } from '../store/store';
import { ActionNodeRegistry } from './actionNodes';
import { EpisodeLoop } from './episodeLoop';
import { startSubOrchestration } from './subOrchestrations';
import { EngineError, invalidState, notAnOrchestratorMessage } from './errors';
import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import { executionStarted, newId } from './inbox';
import type { EpisodeResult } from './episode';
import type { VersioningSettings } from './versioning';
import { ActivityRunner } from './activityRunner';
import { CompletionIndex } from './answered';
import { DurableTimers, type TimerClock } from './durableTimers';
import { followingEpisodeOf, outstandingWork, type WorkHandler, type WorkHost } from './scheduledWork';

export interface EngineOptions {
    now?: () => Date;
    log?: (message: string) => void;
    /** host.json `extensions.durableTask.defaultVersion`: the version of orchestrations started without one. */
    defaultVersion?: string;
    /**
     * The version check before each episode (versionMatchStrategy / versionFailureStrategy); none: every version runs.
     */
    versioning?: VersioningSettings;
    /** Where durable timers wait (the process's clock by default; the test kit's virtual clock). */
    timerClock?: TimerClock;
    /** Called after each orchestrator episode with what it returned (the test kit checks replays with it). */
    onEpisode?: (record: InstanceRecord, result: EpisodeResult) => void;
}

/** A message for another instance, written in the transaction of the step that sends it. */
export interface Delivery {
    write(ops: StoreOps): boolean;
    apply(written: boolean): void;
}

/**
 * The orchestration engine: instances in memory, every change written through the Store as one
 * step, one episode at a time per instance (EpisodeLoop), activities concurrently, timers in memory
 * (re-armed from history on start). Memory changes only once a step is committed, so what the API
 * reads and what the engine dispatches is always durable. This class holds the instances and the
 * client operations on them.
 */
export class Engine implements WorkHost {
    readonly now: () => Date;
    readonly log: (message: string) => void;
    readonly defaultVersion: string | undefined;
    readonly versioning: VersioningSettings | undefined;
    readonly activities = new ActivityRunner();
    readonly timers: DurableTimers;
    readonly onEpisode: EngineOptions['onEpisode'];
    /** How this engine's replays turn the worker's actions into work (entities register theirs). */
    readonly actionNodes = new ActionNodeRegistry();
    /** What to do with each new scheduling event; extend for new kinds of work. */
    readonly workHandlers = new Map<number, WorkHandler>([
        [EventType.TaskScheduled, (host, record, event, then) => this.activities.run(host, record, event, then)],
        [EventType.TimerCreated, (host, record, event) => this.timers.arm(host, record, event)],
        [EventType.SubOrchestrationInstanceCreated, (host, record, event) => host.startSubOrchestration(record, event)],
    ]);
    #records = new Map<string, InstanceRecord>();
    /** Ids being started (committed, not yet in memory): a second start in between is a conflict. */
    #starting = new Set<string>();
    #episodes = new EpisodeLoop(this);
    #completions = new CompletionIndex();
    /** A clock of its own (the test kit's): the worker, which stamps following episodes, does not share it. */
    readonly #ownClock: boolean;

    constructor(
        readonly functions: AppFunctions,
        readonly store: Store,
        options: EngineOptions = {},
    ) {
        this.now = options.now ?? (() => new Date());
        this.#ownClock = options.now !== undefined;
        this.log = options.log ?? (() => undefined);
        this.defaultVersion = options.defaultVersion;
        this.versioning = options.versioning;
        this.timers = new DurableTimers(options.timerClock);
        this.onEpisode = options.onEpisode;
    }

    /** Loads saved instances (or takes those already loaded) and resumes all unfinished work. */
    async recover(loaded: Promise<InstanceRecord[]> = this.store.loadAll()): Promise<number> {
        const records = await loaded;
        for (const record of records) this.#records.set(record.instanceId, record);
        const unfinished = records.filter((record) => !isTerminal(record));
        for (const record of unfinished) {
            this.dispatch(record, outstandingWork(record));
            this.#episodes.kick(record.instanceId);
        }
        return unfinished.length;
    }

    get(instanceId: string): InstanceRecord | undefined {
        return this.#records.get(instanceId);
    }

    list(): InstanceRecord[] {
        return [...this.#records.values()];
    }

    isOrchestrator(name: string): boolean {
        return this.functions.registrations.get(name)?.trigger.type === 'orchestrationTrigger';
    }

    async start(
        name: string,
        inputJson: string | undefined,
        instanceId: string = newId(),
        parent?: InstanceRecord['parent'],
        version = this.defaultVersion,
    ): Promise<InstanceRecord> {
        if (!this.isOrchestrator(name)) {
            const known = [...this.functions.registrations.keys()].filter((n) => this.isOrchestrator(n));
            throw new EngineError('invalid-argument', notAnOrchestratorMessage(name, known));
        }
        const existing = this.#records.get(instanceId);
        if ((existing && !isTerminal(existing)) || this.#starting.has(instanceId)) {
            const problem = `An orchestration with instance ID '${instanceId}' is already ${existing?.runtimeStatus ?? 'Pending'}.`;
            throw new EngineError('conflict', `${problem} Use another ID or terminate it first.`);
        }
        const at = this.now();
        const record: InstanceRecord = {
            instanceId,
            name,
            executionId: newId(),
            runtimeStatus: 'Pending',
            input: inputJson,
            createdTime: at.toISOString(),
            lastUpdatedTime: at.toISOString(),
            parent,
            version: version || undefined,
            history: [],
            inbox: [executionStarted(at, name, instanceId, inputJson, parent, version)],
        };
        this.#starting.add(instanceId);
        try {
            await this.store.step(
                (ops) => ops.createInstance(record),
                () => {
                    if (existing) this.timers.cancel(instanceId, '*');
                    this.#records.set(instanceId, record);
                    this.#episodes.kick(instanceId);
                },
            );
        } finally {
            this.#starting.delete(instanceId);
        }
        return record;
    }

    async raiseEvent(instanceId: string, eventName: string, dataJson: string | undefined): Promise<void> {
        const record = this.#requireRunning(instanceId, 'raise an event to');
        await this.#enqueue(
            record,
            historyEvent(EventType.EventRaised, this.now(), { Name: eventName, Input: dataJson }),
        );
    }

    async terminate(instanceId: string, reason: string | undefined): Promise<void> {
        const record = this.#requireRunning(instanceId, 'terminate');
        const input = reason === undefined ? undefined : JSON.stringify(reason);
        await this.#enqueue(record, historyEvent(EventType.ExecutionTerminated, this.now(), { Input: input }));
    }

    /**
     * Suspends a Running or Pending instance; in any other state the extension's DurableClient throws
     * (azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableClient.cs
     * SuspendAsync / ResumeAsync, IsOrchestrationSuspendable).
     */
    async suspend(instanceId: string, reason: string | undefined): Promise<void> {
        const record = this.#requireRunning(instanceId, 'suspend');
        if (
            record.runtimeStatus !== 'Running' &&
            record.runtimeStatus !== 'Pending' &&
            record.runtimeStatus !== 'ContinuedAsNew'
        )
            throw invalidState('suspend', record);
        await this.#enqueue(record, historyEvent(EventType.ExecutionSuspended, this.now(), { Reason: reason }));
    }

    async resume(instanceId: string, reason: string | undefined): Promise<void> {
        const record = this.#requireRunning(instanceId, 'resume');
        if (record.runtimeStatus !== 'Suspended') throw invalidState('resume', record);
        await this.#enqueue(record, historyEvent(EventType.ExecutionResumed, this.now(), { Reason: reason }));
    }

    /**
     * Deletes instances, their history and their messages, all in one commit; returns how many were
     * deleted. Final: an episode, activity or timer still in flight for them writes nothing afterwards
     * (the store refuses writes to an execution that is gone, and memory no longer holds them).
     */
    async purge(instanceIds: string[]): Promise<number> {
        const known = instanceIds.filter((id) => this.#records.has(id));
        const records = known.map((id) => this.#records.get(id)!);
        return this.store.step(
            (ops) => known.filter((id) => ops.purge(id)).length,
            () => {
                records.forEach((record) => {
                    if (this.#records.get(record.instanceId) !== record) return;
                    this.#records.delete(record.instanceId);
                    this.timers.cancel(record.instanceId, '*');
                    this.functions.endEpisodes(record.instanceId);
                });
            },
        );
    }

    /** Whether the version check rejected the instance's waiting messages (engine/versioning.ts). */
    versionRejected(instanceId: string): boolean {
        return this.#episodes.rejected.has(instanceId);
    }

    /** Resolves when no episode is running and no message waits (tests and shutdown). */
    whenIdle(): Promise<void> {
        return this.#episodes.whenIdle();
    }

    async close(): Promise<void> {
        this.timers.clear();
        await this.store.close();
    }

    /**
     * Adds a completion or event to an instance's inbox; ignored when that execution is over or already has it.
     * Resolves once the message is committed (or dropped); a failed write is logged, not thrown.
     */
    deliver(instanceId: string, executionId: string, event: HistoryEvent): Promise<void> {
        const delivery = this.delivery(instanceId, executionId, event);
        if (!delivery) return Promise.resolve();
        return this.store.step(delivery.write, delivery.apply).then(
            () => undefined,
            (err: Error) => this.log(`Could not deliver a message to instance ${instanceId}: ${err.message}`),
        );
    }

    /**
     * A delivery to write inside another step (a child's outcome commits with its parent's message),
     * or undefined when it would be dropped. A message for a Failed execution is kept without running
     * anything: a rewind needs the outcomes (an entity's answer) that arrived after the failure.
     */
    delivery(instanceId: string, executionId: string, event: HistoryEvent): Delivery | undefined {
        const record = this.#records.get(instanceId);
        const failed = record?.runtimeStatus === 'Failed';
        if (!record || record.executionId !== executionId || (isTerminal(record) && !failed)) return undefined;
        if (this.#completions.has(record.history, event) || this.#completions.has(record.inbox, event))
            return undefined;
        return {
            // toFailed even when it runs now: a finish committing first in the same transaction must not drop it.
            write: (ops) => ops.enqueue(instanceId, executionId, event, { toFailed: true }),
            apply: (written) => {
                if (!written || this.#records.get(instanceId) !== record || record.executionId !== executionId) return;
                if (isTerminal(record) && record.runtimeStatus !== 'Failed') return;
                record.inbox.push(event);
                this.#episodes.kick(instanceId);
            },
        };
    }

    /** Runs an episode for the instance once it has messages (after a commit put them in its inbox). */
    kick(instanceId: string): void {
        this.#episodes.kick(instanceId);
    }

    /**
     * Starts the work (activities, timers, sub-orchestrations, ...) scheduled by an episode or left over from before a
     * restart.
     */
    dispatch(record: InstanceRecord, scheduled: HistoryEvent[]): void {
        // The worker stamps a following episode's OrchestratorStarted: never on the engine's own clock (the kit's).
        const follows = scheduled.length === 1 && !this.#ownClock;
        const then = follows ? followingEpisodeOf(this.functions, record, scheduled[0]) : undefined;
        for (const event of scheduled) this.workHandlers.get(event.EventType)?.(this, record, event, then);
    }

    startSubOrchestration(parent: InstanceRecord, created: HistoryEvent): void {
        startSubOrchestration(this, parent, created);
    }

    #requireRunning(instanceId: string, what: string): InstanceRecord {
        const record = this.#records.get(instanceId);
        if (!record) throw new EngineError('not-found', `No orchestration instance with ID '${instanceId}'.`);
        if (isTerminal(record)) {
            throw new EngineError(
                'gone',
                `Cannot ${what} instance '${record.instanceId}': it is already ${record.runtimeStatus}.`,
            );
        }
        return record;
    }

    /** A client message (event, terminate, suspend, resume): to whichever execution runs when it commits. */
    async #enqueue(record: InstanceRecord, event: HistoryEvent): Promise<void> {
        await this.store.step(
            (ops) => ops.enqueue(record.instanceId, undefined, event),
            (written) => {
                if (!written || this.#records.get(record.instanceId) !== record) return;
                record.inbox.push(event);
                this.#episodes.kick(record.instanceId);
            },
        );
    }
}
