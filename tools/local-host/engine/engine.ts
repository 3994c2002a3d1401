import type { AppFunctions } from '../worker-channel/appFunctions';
import { isTerminal, type InstanceRecord, type Store } from '../store/store';
import { EpisodeLoop } from './episodeLoop';
import { EngineError, notAnOrchestratorMessage } from './errors';
import { completedTaskId, EventType, failureFields, historyEvent, type HistoryEvent } from './history';
import { executionStarted, newId } from './inbox';
import type { EpisodeResult } from './episode';
import type { VersioningSettings } from './versioning';
import { ActivityRunner, outstandingWork, TimerWheel, type TimerClock, type WorkHandler, type WorkHost } from './work';

export interface EngineOptions {
    now?: () => Date;
    log?: (message: string) => void;
    /** host.json `extensions.durableTask.defaultVersion`: the version of orchestrations started without one. */
    defaultVersion?: string;
    /** The version check before each episode (versionMatchStrategy / versionFailureStrategy); none: every version runs. */
    versioning?: VersioningSettings;
    /** Where durable timers wait (the process's clock by default; the test kit's virtual clock). */
    timerClock?: TimerClock;
    /** Called after each orchestrator episode with what it returned (the test kit checks replays with it). */
    onEpisode?: (record: InstanceRecord, result: EpisodeResult) => void;
}

/**
 * The orchestration engine: instances in memory, every change saved through the Store, one episode
 * at a time per instance (EpisodeLoop), activities concurrently, timers in memory (re-armed from
 * history on start). This class holds the instances and the client operations on them.
 */
export class Engine implements WorkHost {
    readonly now: () => Date;
    readonly log: (message: string) => void;
    readonly defaultVersion: string | undefined;
    readonly versioning: VersioningSettings | undefined;
    readonly activities = new ActivityRunner();
    readonly timers: TimerWheel;
    readonly onEpisode: EngineOptions['onEpisode'];
    /** What to do with each new scheduling event; extend for new kinds of work. */
    readonly workHandlers = new Map<number, WorkHandler>([
        [EventType.TaskScheduled, (host, record, event) => this.activities.run(host, record, event)],
        [EventType.TimerCreated, (host, record, event) => this.timers.arm(host, record, event)],
        [EventType.SubOrchestrationInstanceCreated, (host, record, event) => host.startSubOrchestration(record, event)],
    ]);
    #records = new Map<string, InstanceRecord>();
    #episodes = new EpisodeLoop(this);

    constructor(
        readonly functions: AppFunctions,
        readonly store: Store,
        options: EngineOptions = {},
    ) {
        this.now = options.now ?? (() => new Date());
        this.log = options.log ?? (() => undefined);
        this.defaultVersion = options.defaultVersion;
        this.versioning = options.versioning;
        this.timers = new TimerWheel(options.timerClock);
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
        if (existing && !isTerminal(existing)) {
            const problem = `An orchestration with instance ID '${instanceId}' is already ${existing.runtimeStatus}.`;
            throw new EngineError('conflict', `${problem} Use another ID or terminate it first.`);
        }
        if (existing) this.timers.cancel(instanceId, '*');
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
            history: [],
            inbox: [executionStarted(at, name, instanceId, inputJson, parent, version)],
        };
        this.#records.set(instanceId, record);
        await this.store.save(record);
        this.#episodes.kick(instanceId);
        return record;
    }

    async raiseEvent(instanceId: string, eventName: string, dataJson: string | undefined): Promise<void> {
        const record = this.#requireRunning(instanceId, 'raise an event to');
        await this.#enqueue(record, historyEvent(EventType.EventRaised, this.now(), { Name: eventName, Input: dataJson }));
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
        if (record.runtimeStatus !== 'Running' && record.runtimeStatus !== 'Pending' && record.runtimeStatus !== 'ContinuedAsNew') throw invalidState('suspend', record);
        await this.#enqueue(record, historyEvent(EventType.ExecutionSuspended, this.now(), { Reason: reason }));
    }

    async resume(instanceId: string, reason: string | undefined): Promise<void> {
        const record = this.#requireRunning(instanceId, 'resume');
        if (record.runtimeStatus !== 'Suspended') throw invalidState('resume', record);
        await this.#enqueue(record, historyEvent(EventType.ExecutionResumed, this.now(), { Reason: reason }));
    }

    /** Deletes instances and their history; returns how many were deleted. */
    async purge(instanceIds: string[]): Promise<number> {
        let deleted = 0;
        for (const instanceId of instanceIds) {
            if (!this.#records.delete(instanceId)) continue;
            this.timers.cancel(instanceId, '*');
            await this.store.delete(instanceId);
            deleted++;
        }
        return deleted;
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

    /** Adds a completion or event to an instance's inbox; ignored when that execution is over or already has it. */
    deliver(instanceId: string, executionId: string, event: HistoryEvent): void {
        const record = this.#records.get(instanceId);
        if (!record || record.executionId !== executionId || isTerminal(record)) return;
        const taskId = completedTaskId(event);
        const seen = (e: HistoryEvent): boolean => e.EventType === event.EventType && completedTaskId(e) === taskId;
        if (taskId !== undefined && (record.history.some(seen) || record.inbox.some(seen))) return;
        void this.#enqueue(record, event).catch((err: Error) => this.log(`Could not save instance ${instanceId}: ${err.message}`));
    }

    /** Starts the work (activities, timers, sub-orchestrations, ...) scheduled by an episode or left over from before a restart. */
    dispatch(record: InstanceRecord, scheduled: HistoryEvent[]): void {
        for (const event of scheduled) this.workHandlers.get(event.EventType)?.(this, record, event);
    }

    startSubOrchestration(parent: InstanceRecord, created: HistoryEvent): void {
        const childId = String(created.InstanceId);
        const link = { instanceId: parent.instanceId, taskId: created.EventId, executionId: parent.executionId };
        const child = this.#records.get(childId);
        if (child && isSameLink(child.parent, link)) {
            if (isTerminal(child)) this.#episodes.notifyParent(child);
            return;
        }
        const version = (created.Version as string | undefined) ?? this.defaultVersion;
        this.start(String(created.Name), created.Input as string | undefined, childId, link, version).catch((err: Error) => {
            const failure = { TaskScheduledId: created.EventId, ...failureFields(err) };
            const failed = historyEvent(EventType.SubOrchestrationInstanceFailed, this.now(), failure);
            this.deliver(parent.instanceId, parent.executionId, failed);
        });
    }

    #requireRunning(instanceId: string, what: string): InstanceRecord {
        const record = this.#records.get(instanceId);
        if (!record) throw new EngineError('not-found', `No orchestration instance with ID '${instanceId}'.`);
        if (isTerminal(record)) {
            throw new EngineError('gone', `Cannot ${what} instance '${record.instanceId}': it is already ${record.runtimeStatus}.`);
        }
        return record;
    }

    async #enqueue(record: InstanceRecord, event: HistoryEvent): Promise<void> {
        record.inbox.push(event);
        this.#episodes.kick(record.instanceId);
        await this.store.save(record);
    }
}

type ParentLink = NonNullable<InstanceRecord['parent']>;

function isSameLink(a: ParentLink | undefined, b: ParentLink): boolean {
    return a?.instanceId === b.instanceId && a.taskId === b.taskId && a.executionId === b.executionId;
}

function invalidState(action: 'suspend' | 'resume', record: InstanceRecord): EngineError {
    return new EngineError('invalid-operation', `Cannot ${action} the orchestration instance ${record.instanceId} because instance is in the ${record.runtimeStatus} state.`);
}
