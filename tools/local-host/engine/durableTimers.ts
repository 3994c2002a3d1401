import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import type { InstanceRecord } from '../store/store';
import type { WorkHost } from './scheduledWork';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Where timers wait: the process's clock, or a virtual one (the test kit fires them without waiting). */
export interface TimerClock {
    setTimeout(fire: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: TimerClock = {
    setTimeout: (fire, ms) => setTimeout(fire, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Durable timers (CreateTimer): one timeout per pending TimerCreated, re-armed from history on start-up;
 * a wait longer than setTimeout allows is re-armed in steps until FireAt.
 */
export class DurableTimers {
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
            void host.deliver(
                instanceId,
                executionId,
                historyEvent(EventType.TimerFired, host.now(), {
                    TimerId: created.EventId,
                    FireAt: fireAt.toISOString(),
                }),
            );
        };
        tick();
    }

    cancel(instanceId: string, executionId: string, timerId?: number): void {
        for (const [key, timeout] of this.#timers) {
            const [id, execution, timer] = key.split('\n');
            if (
                id === instanceId &&
                (execution === executionId || executionId === '*') &&
                (timerId === undefined || Number(timer) === timerId)
            ) {
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
