import type { InstanceRecord } from '../model/instance';
import { InstanceGoneError, type Store } from '../store/store';
import { isInterruption } from '../worker-channel/appFunctions';
import type { Delivery } from './engine';
import { executionCompleted, failureOutput, runEpisode, type EpisodeResult } from './episode';
import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import { CONTROL_EVENTS, hasWork, takeMessages } from './inbox';
import type { ActionNodeRegistry } from './actionNodes';
import type { DurableTimers } from './durableTimers';
import type { WorkHost } from './scheduledWork';
import { parentDelivery } from './parentDelivery';
import { commitStep, continueAsNewStep, type Outcome } from './episodeCommit';
import { checkVersion, describeAction, VERSION_MISMATCH, type VersioningSettings } from './versioning';
import { EPISODE_STALE } from '../worker-process/protocol';

/** What the episode loop needs from the engine. */
export interface EpisodeHost extends WorkHost {
    readonly store: Store;
    readonly timers: DurableTimers;
    readonly actionNodes: ActionNodeRegistry;
    get(instanceId: string): InstanceRecord | undefined;
    /** Starts the work (activities, timers, ...) an episode scheduled. */
    dispatch(record: InstanceRecord, scheduled: HistoryEvent[]): void;
    delivery(instanceId: string, executionId: string, event: HistoryEvent): Delivery | undefined;
    readonly onEpisode?: (record: InstanceRecord, result: EpisodeResult) => void;
    readonly versioning?: VersioningSettings;
}

type FinalStatus = 'Completed' | 'Failed' | 'Terminated';

/**
 * Runs episodes: one at a time per instance, until its inbox holds nothing it may process. Each
 * episode turns the messages into history, runs the orchestrator over it and commits the outcome as
 * one store step; only then does memory change and does the scheduled work start. A step that cannot
 * be written stops the instance (logged, with the reason): memory keeps the last committed state.
 */
export class EpisodeLoop {
    #running = new Set<string>();
    #stopped = new Set<string>();
    /**
     * Instances whose messages the version check rejected: tried again when a new message arrives, not in a busy loop.
     */
    readonly rejected = new Set<string>();
    /** Instances whose last episode request was answered EPISODE_STALE: the next one runs whatever it finds. */
    #staleOnce = new Set<string>();
    #idle: (() => void)[] = [];

    constructor(private readonly host: EpisodeHost) {}

    /** Makes sure an episode loop runs for the instance (no-op while one does). */
    kick(instanceId: string): void {
        if (this.#running.has(instanceId) || this.#stopped.has(instanceId)) return;
        this.rejected.delete(instanceId);
        this.#running.add(instanceId);
        setImmediate(() => void this.#drain(instanceId));
    }

    /** Resolves when no episode is running and no message waits. */
    whenIdle(): Promise<void> {
        if (this.#running.size === 0) return Promise.resolve();
        return new Promise((resolve) => this.#idle.push(resolve));
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
            if (record && hasWork(record) && !this.#stopped.has(instanceId) && !this.rejected.has(instanceId))
                this.kick(instanceId);
            else if (this.#running.size === 0) this.#idle.splice(0).forEach((resolve) => resolve());
        }
    }

    /** One episode; returns false when there was nothing to do (or the instance stopped). */
    async #episode(record: InstanceRecord): Promise<boolean> {
        const taken = takeMessages(record);
        if (taken.length === 0) return false;
        const at = this.host.now();
        const newEvents = [historyEvent(EventType.OrchestratorStarted, at), ...taken];
        const terminated = taken.find((e) => e.EventType === EventType.ExecutionTerminated);
        if (terminated) {
            const reason = (terminated.Input as string | undefined) ?? JSON.stringify('');
            return this.#finish(record, taken, newEvents, 'Terminated', reason);
        }
        const version = this.#versionCheck(record, taken, newEvents);
        if (version !== undefined) return version;
        let runtimeStatus = record.runtimeStatus;
        for (const message of taken) {
            if (message.EventType === EventType.ExecutionSuspended) runtimeStatus = 'Suspended';
            if (message.EventType === EventType.ExecutionResumed) runtimeStatus = 'Running';
            if (message.EventType === EventType.ExecutionStarted) runtimeStatus = 'Running';
        }
        if (runtimeStatus === 'Suspended' || taken.every((e) => CONTROL_EVENTS.has(e.EventType))) {
            return this.#commit(record, {
                taken,
                events: [...newEvents, historyEvent(EventType.OrchestratorCompleted, at)],
                fields: { runtimeStatus },
            });
        }
        const skipIfStale = !this.#staleOnce.delete(record.instanceId);
        const result = await runEpisode(this.host.functions, record, newEvents, this.host.actionNodes, skipIfStale);
        // Purged (or purged and started again) while the orchestrator ran: nothing of this episode is kept.
        if (this.host.get(record.instanceId) !== record) return false;
        if (result.kind === 'failed' && result.error.name === EPISODE_STALE) {
            // Results the worker sent after this was asked for are on their way: ask again once their deliveries are
            // in (they were received first, and a step queued meanwhile commits with them).
            record.inbox.unshift(...taken);
            this.#staleOnce.add(record.instanceId);
            await this.host.store.step(() => undefined);
            return true;
        }
        this.host.onEpisode?.(record, result);
        for (const difference of result.kind === 'failed' ? [] : result.shim.replayDifferences) {
            this.host.log(
                `warning: orchestration '${record.name}' (${record.instanceId}) is not deterministic: ${difference}`,
            );
        }
        if (result.kind === 'failed' && isInterruption(result.error)) {
            // As the extension aborts the session on a runtime failure or timeout (the messages go back on the
            // queue): nothing is committed and the episode runs again once a worker is back.
            this.host.log(
                `Orchestration '${record.name}' (${record.instanceId}) was interrupted: ${result.error.message}; replaying it again.`,
            );
            record.inbox.unshift(...taken);
            return true;
        }
        const customStatus =
            result.state?.customStatus === undefined ? record.customStatus : JSON.stringify(result.state.customStatus);
        if (result.kind === 'failed') {
            this.host.log(`Orchestration '${record.name}' (${record.instanceId}) failed: ${result.error.message}`);
            return this.#finish(
                record,
                taken,
                newEvents,
                'Failed',
                failureOutput(record, result.error),
                result.error,
                customStatus,
            );
        }
        const scheduled = result.shim.newEvents;
        result.shim.canceledTimers.forEach((id) => this.host.timers.cancel(record.instanceId, record.executionId, id));
        if (result.kind === 'completed') {
            return this.#finish(
                record,
                taken,
                [...newEvents, ...scheduled],
                'Completed',
                JSON.stringify(result.state.output ?? null),
                undefined,
                customStatus,
            );
        }
        if (result.kind === 'continueAsNew') return this.#continueAsNew(record, taken, newEvents, result.input, at);
        const events = [...newEvents, ...scheduled, historyEvent(EventType.OrchestratorCompleted, at)];
        return this.#commit(record, { taken, events, fields: { runtimeStatus, customStatus }, scheduled });
    }

    /**
     * The worker's version check (engine/versioning.ts): Reject puts the messages back and stops; Fail fails the
     * instance.
     */
    #versionCheck(
        record: InstanceRecord,
        messages: HistoryEvent[],
        newEvents: HistoryEvent[],
    ): Promise<boolean> | false | undefined {
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
        const error = Object.assign(new Error(VERSION_MISMATCH.ErrorMessage), {
            name: VERSION_MISMATCH.ErrorType,
            isNonRetriable: true,
            stack: undefined,
        });
        return this.#finish(record, messages, newEvents, 'Failed', failureOutput(record, error), error);
    }

    #continueAsNew(
        record: InstanceRecord,
        taken: HistoryEvent[],
        newEvents: HistoryEvent[],
        input: string | undefined,
        at: Date,
    ): Promise<boolean> {
        return this.#write(record, taken, () => continueAsNewStep(this.host, record, taken, newEvents, input, at));
    }

    #commit(record: InstanceRecord, outcome: Outcome): Promise<boolean> {
        return this.#write(record, outcome.taken, () => commitStep(this.host, record, outcome));
    }

    /** Runs a step; on failure the instance stops (its taken messages go back: they are still on disk). */
    async #write(record: InstanceRecord, taken: HistoryEvent[], step: () => Promise<unknown>): Promise<boolean> {
        try {
            await step();
            return true;
        } catch (err) {
            if (err instanceof InstanceGoneError) return false;
            record.inbox.unshift(...taken);
            this.#stopped.add(record.instanceId);
            this.host.log(
                `Instance '${record.instanceId}' stopped: ${(err as Error).message} Its status shows the last committed state.`,
            );
            return false;
        }
    }

    #finish(
        record: InstanceRecord,
        taken: HistoryEvent[],
        events: HistoryEvent[],
        status: FinalStatus,
        output: string,
        error?: Error,
        customStatus = record.customStatus,
    ): Promise<boolean> {
        const at = this.host.now();
        const completed = [
            ...events,
            executionCompleted(at, status, output, error),
            historyEvent(EventType.OrchestratorCompleted, at),
        ];
        const parent = parentDelivery(this.host, { ...record, runtimeStatus: status, output });
        return this.#commit(record, {
            taken,
            events: completed,
            fields: { runtimeStatus: status, output, customStatus },
            parent,
        });
    }
}
