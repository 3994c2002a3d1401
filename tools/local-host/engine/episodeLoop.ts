import type { InstanceRecord, Store } from '../store/store';
import { isInterruption } from '../worker-channel/appFunctions';
import { executionCompleted, failureOutput, runEpisode, type EpisodeResult } from './episode';
import { EventType, failureFields, historyEvent, type HistoryEvent } from './history';
import { CONTROL_EVENTS, executionStarted, hasWork, newId, takeMessages } from './inbox';
import type { TimerWheel, WorkHost } from './work';
import { checkVersion, describeAction, VERSION_MISMATCH, type VersioningSettings } from './versioning';

/** What the episode loop needs from the engine. */
export interface EpisodeHost extends WorkHost {
    readonly store: Store;
    readonly timers: TimerWheel;
    get(instanceId: string): InstanceRecord | undefined;
    /** Starts the work (activities, timers, ...) an episode scheduled. */
    dispatch(record: InstanceRecord, scheduled: HistoryEvent[]): void;
    readonly onEpisode?: (record: InstanceRecord, result: EpisodeResult) => void;
    readonly versioning?: VersioningSettings;
}

type FinalStatus = 'Completed' | 'Failed' | 'Terminated';

/**
 * Runs episodes: one at a time per instance, until its inbox holds nothing it may process. Each
 * episode turns the messages into history, runs the orchestrator over it and saves the outcome.
 */
export class EpisodeLoop {
    #running = new Set<string>();
    /** Instances whose messages the version check rejected: tried again when a new message arrives, not in a busy loop. */
    readonly rejected = new Set<string>();
    #idle: (() => void)[] = [];

    constructor(private readonly host: EpisodeHost) {}

    /** Makes sure an episode loop runs for the instance (no-op while one does). */
    kick(instanceId: string): void {
        if (this.#running.has(instanceId)) return;
        this.rejected.delete(instanceId);
        this.#running.add(instanceId);
        setImmediate(() => void this.#drain(instanceId));
    }

    /** Resolves when no episode is running and no message waits. */
    whenIdle(): Promise<void> {
        if (this.#running.size === 0) return Promise.resolve();
        return new Promise((resolve) => this.#idle.push(resolve));
    }

    /** Tells a sub-orchestration's parent how it ended. */
    notifyParent(child: InstanceRecord): void {
        const link = child.parent;
        const parent = link && this.host.get(link.instanceId);
        if (!link || !parent) return;
        const at = this.host.now();
        const taskScheduledId = { TaskScheduledId: link.taskId };
        const event =
            child.runtimeStatus === 'Completed'
                ? historyEvent(EventType.SubOrchestrationInstanceCompleted, at, { ...taskScheduledId, Result: child.output })
                : historyEvent(EventType.SubOrchestrationInstanceFailed, at, {
                      ...taskScheduledId,
                      ...failureFields(subOrchestrationFailure(child)),
                  });
        this.host.deliver(parent.instanceId, link.executionId ?? parent.executionId, event);
    }

    async #drain(instanceId: string): Promise<void> {
        try {
            let record = this.host.get(instanceId);
            while (record && (await this.#episode(record))) record = this.host.get(instanceId);
        } catch (err) {
            this.host.log(`Episode of ${instanceId} crashed: ${(err as Error).stack}`);
        } finally {
            this.#running.delete(instanceId);
            // A message may have arrived between the last empty take and here.
            const record = this.host.get(instanceId);
            if (record && hasWork(record) && !this.rejected.has(instanceId)) this.kick(instanceId);
            else if (this.#running.size === 0) this.#idle.splice(0).forEach((resolve) => resolve());
        }
    }

    /** One episode; returns false when there was nothing to do. */
    async #episode(record: InstanceRecord): Promise<boolean> {
        const messages = takeMessages(record);
        if (messages.length === 0) return false;
        const at = this.host.now();
        const newEvents = [historyEvent(EventType.OrchestratorStarted, at), ...messages];
        const terminated = messages.find((e) => e.EventType === EventType.ExecutionTerminated);
        if (terminated) {
            const reason = (terminated.Input as string | undefined) ?? JSON.stringify('');
            return this.#finish(record, newEvents, 'Terminated', reason);
        }
        const version = this.#versionCheck(record, messages, newEvents);
        if (version !== undefined) return version;
        const statusBefore = record.runtimeStatus;
        for (const message of messages) {
            if (message.EventType === EventType.ExecutionSuspended) record.runtimeStatus = 'Suspended';
            if (message.EventType === EventType.ExecutionResumed) record.runtimeStatus = 'Running';
            if (message.EventType === EventType.ExecutionStarted) record.runtimeStatus = 'Running';
        }
        if (record.runtimeStatus === 'Suspended' || messages.every((e) => CONTROL_EVENTS.has(e.EventType))) {
            return this.#commit(record, [...newEvents, historyEvent(EventType.OrchestratorCompleted, at)]);
        }
        const result = await runEpisode(this.host.functions, record, newEvents);
        this.host.onEpisode?.(record, result);
        for (const difference of result.kind === 'failed' ? [] : result.shim.replayDifferences) {
            this.host.log(`warning: orchestration '${record.name}' (${record.instanceId}) is not deterministic: ${difference}`);
        }
        if (result.kind === 'failed' && isInterruption(result.error)) {
            // As the extension aborts the session on a runtime failure or timeout (the messages go back on the
            // queue): nothing is committed and the episode runs again once a worker is back.
            this.host.log(`Orchestration '${record.name}' (${record.instanceId}) was interrupted: ${result.error.message}; replaying it again.`);
            record.inbox.unshift(...messages);
            record.runtimeStatus = statusBefore;
            return true;
        }
        if (result.state?.customStatus !== undefined) record.customStatus = JSON.stringify(result.state.customStatus);
        if (result.kind === 'failed') {
            this.host.log(`Orchestration '${record.name}' (${record.instanceId}) failed: ${result.error.message}`);
            return this.#finish(record, newEvents, 'Failed', failureOutput(record, result.error), result.error);
        }
        const scheduled = result.shim.newEvents;
        result.shim.canceledTimers.forEach((id) => this.host.timers.cancel(record.instanceId, record.executionId, id));
        if (result.kind === 'completed') {
            return this.#finish(record, [...newEvents, ...scheduled], 'Completed', JSON.stringify(result.state.output ?? null));
        }
        if (result.kind === 'continueAsNew') return this.#continueAsNew(record, [...record.history, ...newEvents], result.input, at);
        await this.#commit(record, [...newEvents, ...scheduled, historyEvent(EventType.OrchestratorCompleted, at)]);
        this.host.dispatch(record, scheduled);
        return true;
    }

    /** The worker's version check (engine/versioning.ts): Reject puts the messages back and stops; Fail fails the instance. */
    #versionCheck(record: InstanceRecord, messages: HistoryEvent[], newEvents: HistoryEvent[]): boolean | undefined {
        if (!this.host.versioning) return undefined;
        const started = [...record.history, ...messages].find((e) => e.EventType === EventType.ExecutionStarted);
        const verdict = checkVersion(this.host.versioning, started?.Version as string | undefined);
        if (verdict.ok) return undefined;
        this.host.log(`Orchestration '${record.name}' (${record.instanceId}): ${describeAction(verdict)}.`);
        if (verdict.action === 'Reject') {
            record.inbox.unshift(...messages);
            this.rejected.add(record.instanceId);
            return false;
        }
        const error = Object.assign(new Error(VERSION_MISMATCH.ErrorMessage), { name: VERSION_MISMATCH.ErrorType, isNonRetriable: true, stack: undefined });
        return this.#finish(record, newEvents, 'Failed', failureOutput(record, error), error);
    }

    /** A new execution of the same instance: fresh history, same version; waiting events and control messages carry over. */
    #continueAsNew(record: InstanceRecord, history: HistoryEvent[], input: string | undefined, at: Date): true {
        const carried = record.inbox.filter((e) => e.EventType === EventType.EventRaised || CONTROL_EVENTS.has(e.EventType));
        this.host.timers.cancel(record.instanceId, record.executionId);
        const version = history.find((e) => e.EventType === EventType.ExecutionStarted)?.Version as string | undefined;
        record.executionId = newId();
        record.input = input;
        record.history = [];
        record.inbox = [executionStarted(at, record.name, record.instanceId, input, record.parent, version), ...carried];
        return this.#commit(record, []);
    }

    #commit(record: InstanceRecord, events: HistoryEvent[]): true {
        record.history.push(...events);
        record.lastUpdatedTime = this.host.now().toISOString();
        const saved = this.host.store.save(record);
        void saved.catch((err: Error) => this.host.log(`Could not save instance ${record.instanceId}: ${err.message}`));
        return true;
    }

    #finish(record: InstanceRecord, events: HistoryEvent[], status: FinalStatus, output: string, error?: Error): true {
        const at = this.host.now();
        record.runtimeStatus = status;
        record.output = output;
        this.host.timers.cancel(record.instanceId, record.executionId);
        this.#commit(record, [...events, executionCompleted(at, status, output, error), historyEvent(EventType.OrchestratorCompleted, at)]);
        this.notifyParent(record);
        return true;
    }
}

function subOrchestrationFailure(child: InstanceRecord): Error {
    const output = child.output ? JSON.parse(child.output) : '';
    return new Error(`Sub-orchestration '${child.name}' (${child.instanceId}) ${child.runtimeStatus.toLowerCase()}: ${output}`);
}
