import type { AppFunctions } from '../worker-channel/appFunctions';
import { invokeActivity } from '../worker-channel/triggers';
import { WorkerExitedError } from '../worker-channel/workerProcess';
import { activityFailureFields } from './activityFailure';
import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import type { InstanceRecord } from '../store/store';

/** What scheduled work needs from the engine. */
export interface WorkHost {
    readonly functions: AppFunctions;
    now(): Date;
    /** Adds a message to an instance's inbox (ignored if the execution moved on). */
    deliver(instanceId: string, executionId: string, event: HistoryEvent): Promise<void>;
    startSubOrchestration(parent: InstanceRecord, created: HistoryEvent): void;
    log(message: string): void;
}

export type WorkHandler = (host: WorkHost, record: InstanceRecord, scheduled: HistoryEvent) => void;

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs scheduled activities concurrently, at most once at a time per task. An activity interrupted
 * by its worker going away (exit, crash, restart) runs again once a worker is back: the Durable
 * extension aborts the work item on a runtime failure and the message is delivered again
 * (FunctionExecutionHelper.ExecuteActivityFunction → SessionAbortedException), so activities run at least once.
 */
export class ActivityRunner {
    #inFlight = new Set<string>();
    #rerun = new Set<string>();
    get active(): number {
        return this.#inFlight.size;
    }

    run(host: WorkHost, record: InstanceRecord, scheduled: HistoryEvent): void {
        const key = `${record.instanceId}\n${record.executionId}\n${scheduled.EventId}`;
        if (this.#inFlight.has(key)) return;
        this.#inFlight.add(key);
        const { instanceId, executionId } = record;
        const name = String(scheduled.Name);
        const attempt = (): Promise<HistoryEvent> =>
            invokeActivity(host.functions, name, scheduled.Input as string | undefined, `${instanceId} task ${scheduled.EventId}`).then(
                (result) => historyEvent(EventType.TaskCompleted, host.now(), { TaskScheduledId: scheduled.EventId, Result: result }),
                (err: unknown) => {
                    if (err instanceof WorkerExitedError) {
                        // The message was never completed: delivered again, as the extension's queue does (at-least-once).
                        host.log(`Activity '${name}' (instance ${instanceId}, task ${scheduled.EventId}) was interrupted: ${err.message}; running it again.`);
                        return attempt();
                    }
                    const failure = activityFailureFields(name, err);
                    host.log(`${failure.Reason} (instance ${instanceId}, task ${scheduled.EventId})`);
                    return historyEvent(EventType.TaskFailed, host.now(), { TaskScheduledId: scheduled.EventId, ...failure });
                },
            );
        const settle = (event: HistoryEvent): void => {
            // Rewound while it ran: its outcome belongs to the run before the rewind; it runs again.
            if (this.#rerun.delete(key)) return void attempt().then(settle);
            this.#inFlight.delete(key);
            void host.deliver(instanceId, executionId, event);
        };
        void attempt().then(settle);
    }

    /** A rewind: the activities of that execution still running report their next run, not this one. */
    rerunInFlight(instanceId: string, executionId: string): void {
        for (const key of this.#inFlight) if (key.startsWith(`${instanceId}\n${executionId}\n`)) this.#rerun.add(key);
    }
}

/** Where timers wait: the process's clock, or a virtual one (the test kit fires them without waiting). */
export interface TimerClock {
    setTimeout(fire: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: TimerClock = {
    setTimeout: (fire, ms) => setTimeout(fire, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Durable timers: in-memory timeouts re-armed from history on start-up. */
export class TimerWheel {
    #timers = new Map<string, unknown>();

    constructor(private readonly clock: TimerClock = REAL_CLOCK) {}

    arm(host: WorkHost, record: InstanceRecord, created: HistoryEvent): void {
        const key = `${record.instanceId}\n${record.executionId}\n${created.EventId}`;
        if (this.#timers.has(key)) return;
        const { instanceId, executionId } = record;
        const fireAt = new Date(created.FireAt as string);
        const tick = (): void => {
            const wait = fireAt.getTime() - host.now().getTime();
            if (wait > 0) {
                this.#timers.set(key, this.clock.setTimeout(tick, Math.min(wait, MAX_TIMEOUT_MS)));
                return;
            }
            this.#timers.delete(key);
            void host.deliver(instanceId, executionId, historyEvent(EventType.TimerFired, host.now(), { TimerId: created.EventId, FireAt: fireAt.toISOString() }));
        };
        tick();
    }

    cancel(instanceId: string, executionId: string, timerId?: number): void {
        for (const [key, timeout] of this.#timers) {
            const [id, execution, timer] = key.split('\n');
            if (id === instanceId && (execution === executionId || executionId === '*') && (timerId === undefined || Number(timer) === timerId)) {
                this.clock.clearTimeout(timeout);
                this.#timers.delete(key);
            }
        }
    }

    clear(): void {
        this.#timers.forEach((timeout) => this.clock.clearTimeout(timeout));
        this.#timers.clear();
    }
}

/** Scheduling events still waiting for their completion (in history or inbox). */
export function outstandingWork(record: InstanceRecord): HistoryEvent[] {
    const answered = new Set<number>();
    for (const event of [...record.history, ...record.inbox]) {
        if (event.EventType === EventType.TimerFired) answered.add(event.TimerId as number);
        else if (typeof event.TaskScheduledId === 'number') answered.add(event.TaskScheduledId);
    }
    return record.history.filter((e) => WORK_EVENT_TYPES.has(e.EventType) && !answered.has(e.EventId));
}

const WORK_EVENT_TYPES = new Set<number>([EventType.TaskScheduled, EventType.TimerCreated, EventType.SubOrchestrationInstanceCreated]);
