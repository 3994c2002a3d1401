import { randomUUID } from 'node:crypto';
import type { FunctionsCore } from '../worker/functionsCore';
import { TERMINAL_STATUSES, type InstanceRecord, type Store } from '../store/store';
import { EngineError } from './errors';
import { executionCompleted, failureOutput, runEpisode } from './episode';
import { completedTaskId, EventType, failureFields, historyEvent, type HistoryEvent } from './history';
import { ActivityRunner, outstandingWork, TimerWheel, type WorkHandler, type WorkHost } from './work';

export interface EngineOptions {
    now?: () => Date;
    log?: (message: string) => void;
    /** host.json `extensions.durableTask.defaultVersion`: the version of orchestrations started without one. */
    defaultVersion?: string;
}

const CONTROL = new Set<number>([EventType.ExecutionTerminated, EventType.ExecutionSuspended, EventType.ExecutionResumed]);

/**
 * The orchestration engine: instances in memory, every change saved through the Store, one episode
 * at a time per instance, activities concurrently, timers in memory (re-armed from history on start).
 */
export class Engine implements WorkHost {
    readonly now: () => Date;
    readonly log: (message: string) => void;
    readonly defaultVersion: string | undefined;
    readonly activities = new ActivityRunner();
    readonly timers = new TimerWheel();
    /** What to do with each new scheduling event; extend for new kinds of work. */
    readonly workHandlers = new Map<number, WorkHandler>([
        [EventType.TaskScheduled, (host, record, event) => this.activities.run(host, record, event)],
        [EventType.TimerCreated, (host, record, event) => this.timers.arm(host, record, event)],
        [EventType.SubOrchestrationInstanceCreated, (host, record, event) => host.startSubOrchestration(record, event)],
    ]);
    #records = new Map<string, InstanceRecord>();
    #running = new Set<string>();
    #idle: (() => void)[] = [];

    constructor(
        readonly core: FunctionsCore,
        readonly store: Store,
        options: EngineOptions = {},
    ) {
        this.now = options.now ?? (() => new Date());
        this.log = options.log ?? (() => undefined);
        this.defaultVersion = options.defaultVersion;
    }

    /** Loads saved instances and resumes all unfinished work. */
    async recover(): Promise<number> {
        const records = await this.store.loadAll();
        for (const record of records) this.#records.set(record.instanceId, record);
        let resumed = 0;
        for (const record of records) {
            if (isTerminal(record)) continue;
            resumed++;
            this.#dispatch(record, outstandingWork(record));
            this.#kick(record.instanceId);
        }
        return resumed;
    }

    get(instanceId: string): InstanceRecord | undefined {
        return this.#records.get(instanceId);
    }

    list(): InstanceRecord[] {
        return [...this.#records.values()];
    }

    isOrchestrator(name: string): boolean {
        return this.core.registrations.get(name)?.trigger.type === 'orchestrationTrigger';
    }

    async start(name: string, inputJson: string | undefined, instanceId: string = randomUUID().replace(/-/g, ''), parent?: InstanceRecord['parent'], version = this.defaultVersion): Promise<InstanceRecord> {
        if (!this.isOrchestrator(name)) {
            const known = [...this.core.registrations.values()].filter((r) => r.trigger.type === 'orchestrationTrigger').map((r) => r.metadata.name);
            throw new EngineError('bad-request', `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Orchestrators: ${known.join(', ') || 'none'}.`);
        }
        const existing = this.#records.get(instanceId);
        if (existing && !isTerminal(existing)) {
            throw new EngineError('conflict', `An orchestration with instance ID '${instanceId}' is already ${existing.runtimeStatus}. Use another ID or terminate it first.`);
        }
        if (existing) this.timers.cancel(instanceId, '*');
        const at = this.now();
        const record: InstanceRecord = {
            instanceId,
            name,
            executionId: randomUUID().replace(/-/g, ''),
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
        this.#kick(instanceId);
        return record;
    }

    async raiseEvent(instanceId: string, eventName: string, dataJson: string | undefined): Promise<void> {
        const record = this.#require(instanceId);
        this.#refuseIfTerminal(record, 'raise an event to');
        await this.#enqueue(record, historyEvent(EventType.EventRaised, this.now(), { Name: eventName, Input: dataJson }));
    }

    async terminate(instanceId: string, reason: string | undefined): Promise<void> {
        const record = this.#require(instanceId);
        this.#refuseIfTerminal(record, 'terminate');
        await this.#enqueue(record, historyEvent(EventType.ExecutionTerminated, this.now(), { Input: reason === undefined ? undefined : JSON.stringify(reason) }));
    }

    async suspend(instanceId: string, reason: string | undefined): Promise<void> {
        const record = this.#require(instanceId);
        this.#refuseIfTerminal(record, 'suspend');
        await this.#enqueue(record, historyEvent(EventType.ExecutionSuspended, this.now(), { Reason: reason }));
    }

    async resume(instanceId: string, reason: string | undefined): Promise<void> {
        const record = this.#require(instanceId);
        this.#refuseIfTerminal(record, 'resume');
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

    /** Resolves when no episode is running and no message waits (tests and shutdown). */
    whenIdle(): Promise<void> {
        if (this.#running.size === 0) return Promise.resolve();
        return new Promise((resolve) => this.#idle.push(resolve));
    }

    async close(): Promise<void> {
        this.timers.clear();
        await this.store.close();
    }

    deliver(instanceId: string, executionId: string, event: HistoryEvent): void {
        const record = this.#records.get(instanceId);
        if (!record || record.executionId !== executionId || isTerminal(record)) return;
        const taskId = completedTaskId(event);
        if (taskId !== undefined && [...record.history, ...record.inbox].some((e) => e.EventType === event.EventType && completedTaskId(e) === taskId)) return;
        void this.#enqueue(record, event).catch((err: Error) => this.log(`Could not save instance ${instanceId}: ${err.message}`));
    }

    startSubOrchestration(parent: InstanceRecord, created: HistoryEvent): void {
        const childId = String(created.InstanceId);
        const link = { instanceId: parent.instanceId, taskId: created.EventId, executionId: parent.executionId };
        const child = this.#records.get(childId);
        if (child?.parent?.instanceId === link.instanceId && child.parent.taskId === link.taskId && child.parent.executionId === link.executionId) {
            if (isTerminal(child)) this.#notifyParent(child);
            return;
        }
        this.start(String(created.Name), created.Input as string | undefined, childId, link, (created.Version as string | undefined) ?? this.defaultVersion).catch((err: Error) => {
            this.deliver(parent.instanceId, parent.executionId, historyEvent(EventType.SubOrchestrationInstanceFailed, this.now(), { TaskScheduledId: created.EventId, ...failureFields(err) }));
        });
    }

    #require(instanceId: string): InstanceRecord {
        const record = this.#records.get(instanceId);
        if (!record) throw new EngineError('not-found', `No orchestration instance with ID '${instanceId}'.`);
        return record;
    }

    #refuseIfTerminal(record: InstanceRecord, what: string): void {
        if (isTerminal(record)) throw new EngineError('gone', `Cannot ${what} instance '${record.instanceId}': it is already ${record.runtimeStatus}.`);
    }

    async #enqueue(record: InstanceRecord, event: HistoryEvent): Promise<void> {
        record.inbox.push(event);
        this.#kick(record.instanceId);
        await this.store.save(record);
    }

    #kick(instanceId: string): void {
        if (this.#running.has(instanceId)) return;
        this.#running.add(instanceId);
        setImmediate(() => void this.#drain(instanceId));
    }

    async #drain(instanceId: string): Promise<void> {
        try {
            let record = this.#records.get(instanceId);
            while (record && (await this.#episode(record))) record = this.#records.get(instanceId);
        } catch (err) {
            this.log(`Episode of ${instanceId} crashed: ${(err as Error).stack}`);
        } finally {
            this.#running.delete(instanceId);
            // A message may have arrived between the last empty take and here.
            const record = this.#records.get(instanceId);
            if (record && this.#hasWork(record)) this.#kick(instanceId);
            else if (this.#running.size === 0) this.#idle.splice(0).forEach((resolve) => resolve());
        }
    }

    #hasWork(record: InstanceRecord): boolean {
        if (isTerminal(record) || record.inbox.length === 0) return false;
        return record.runtimeStatus !== 'Suspended' || record.inbox.some((e) => e.EventType === EventType.ExecutionResumed || e.EventType === EventType.ExecutionTerminated);
    }

    /** Takes the messages this episode may process: while suspended only resume/terminate. */
    #take(record: InstanceRecord): HistoryEvent[] {
        if (isTerminal(record)) {
            record.inbox.length = 0;
            return [];
        }
        if (record.runtimeStatus === 'Suspended') {
            const index = record.inbox.findIndex((e) => e.EventType === EventType.ExecutionResumed || e.EventType === EventType.ExecutionTerminated);
            return index < 0 ? [] : record.inbox.splice(index, 1);
        }
        const suspendAt = record.inbox.findIndex((e) => e.EventType === EventType.ExecutionSuspended);
        return record.inbox.splice(0, suspendAt < 0 ? record.inbox.length : suspendAt + 1);
    }

    /** One episode; returns false when there was nothing to do. */
    async #episode(record: InstanceRecord): Promise<boolean> {
        const messages = this.#take(record);
        if (messages.length === 0) return false;
        const at = this.now();
        const newEvents = [historyEvent(EventType.OrchestratorStarted, at), ...messages];
        const terminated = messages.find((e) => e.EventType === EventType.ExecutionTerminated);
        if (terminated) return this.#finish(record, newEvents, 'Terminated', (terminated.Input as string | undefined) ?? JSON.stringify(''));
        for (const message of messages) {
            if (message.EventType === EventType.ExecutionSuspended) record.runtimeStatus = 'Suspended';
            if (message.EventType === EventType.ExecutionResumed || message.EventType === EventType.ExecutionStarted) record.runtimeStatus = 'Running';
        }
        if (record.runtimeStatus === 'Suspended' || messages.every((e) => CONTROL.has(e.EventType))) {
            return this.#commit(record, [...newEvents, historyEvent(EventType.OrchestratorCompleted, at)]);
        }
        const result = await runEpisode(this.core, record, newEvents);
        if (result.state?.customStatus !== undefined) record.customStatus = JSON.stringify(result.state.customStatus);
        if (result.kind === 'failed') {
            this.log(`Orchestration '${record.name}' (${record.instanceId}) failed: ${result.error.message}`);
            return this.#finish(record, newEvents, 'Failed', failureOutput(record, result.error), result.error);
        }
        const scheduled = result.shim.newEvents;
        result.shim.canceledTimers.forEach((id) => this.timers.cancel(record.instanceId, record.executionId, id));
        if (result.kind === 'completed') {
            return this.#finish(record, [...newEvents, ...scheduled], 'Completed', JSON.stringify(result.state.output ?? null));
        }
        if (result.kind === 'continueAsNew') {
            const carried = record.inbox.filter((e) => e.EventType === EventType.EventRaised || CONTROL.has(e.EventType));
            this.timers.cancel(record.instanceId, record.executionId);
            const version = [...record.history, ...newEvents].find((e) => e.EventType === EventType.ExecutionStarted)?.Version as string | undefined;
            record.executionId = randomUUID().replace(/-/g, '');
            record.input = result.input;
            record.history = [];
            record.inbox = [executionStarted(at, record.name, record.instanceId, result.input, record.parent, version), ...carried];
            return this.#commit(record, []);
        }
        await this.#commit(record, [...newEvents, ...scheduled, historyEvent(EventType.OrchestratorCompleted, at)]);
        this.#dispatch(record, scheduled);
        return true;
    }

    #commit(record: InstanceRecord, events: HistoryEvent[]): true {
        record.history.push(...events);
        record.lastUpdatedTime = this.now().toISOString();
        void this.store.save(record).catch((err: Error) => this.log(`Could not save instance ${record.instanceId}: ${err.message}`));
        return true;
    }

    #finish(record: InstanceRecord, events: HistoryEvent[], status: 'Completed' | 'Failed' | 'Terminated', output: string, error?: Error): true {
        const at = this.now();
        record.runtimeStatus = status;
        record.output = output;
        this.timers.cancel(record.instanceId, record.executionId);
        this.#commit(record, [...events, executionCompleted(at, status, output, error), historyEvent(EventType.OrchestratorCompleted, at)]);
        this.#notifyParent(record);
        return true;
    }

    #dispatch(record: InstanceRecord, scheduled: HistoryEvent[]): void {
        for (const event of scheduled) this.workHandlers.get(event.EventType)?.(this, record, event);
    }

    #notifyParent(child: InstanceRecord): void {
        const link = child.parent;
        if (!link) return;
        const parent = this.#records.get(link.instanceId);
        if (!parent) return;
        const at = this.now();
        const event =
            child.runtimeStatus === 'Completed'
                ? historyEvent(EventType.SubOrchestrationInstanceCompleted, at, { TaskScheduledId: link.taskId, Result: child.output })
                : historyEvent(EventType.SubOrchestrationInstanceFailed, at, {
                      TaskScheduledId: link.taskId,
                      ...failureFields(new Error(`Sub-orchestration '${child.name}' (${child.instanceId}) ${child.runtimeStatus.toLowerCase()}: ${child.output ? JSON.parse(child.output) : ''}`)),
                  });
        this.deliver(parent.instanceId, link.executionId ?? parent.executionId, event);
    }
}

export function isTerminal(record: InstanceRecord): boolean {
    return TERMINAL_STATUSES.includes(record.runtimeStatus);
}

function executionStarted(at: Date, name: string, instanceId: string, input: string | undefined, parent: InstanceRecord['parent'], version?: string): HistoryEvent {
    return historyEvent(EventType.ExecutionStarted, at, {
        Name: name,
        Version: version,
        Input: input,
        OrchestrationInstance: { InstanceId: instanceId },
        ParentInstance: parent ? { OrchestrationInstance: { InstanceId: parent.instanceId }, TaskScheduleId: parent.taskId } : undefined,
    });
}
