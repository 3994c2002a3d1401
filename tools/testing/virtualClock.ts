import type { TimerClock } from '../local-host/engine/durableTimers';

interface Pending {
    at: number;
    order: number;
    fire: () => void;
}

/**
 * Virtual time for the engine: `now` moves only when the kit moves it, and what waits on the clock
 * (durable timers, events scheduled for later) fires in time order, at once, with `now` set to its due time.
 */
export class VirtualClock implements TimerClock {
    #now: number;
    #pending: Pending[] = [];
    #order = 0;

    constructor(start: Date) {
        this.#now = start.getTime();
    }

    now = (): Date => new Date(this.#now);

    setTimeout(fire: () => void, ms: number): Pending {
        const entry = { at: this.#now + Math.max(0, ms), order: this.#order++, fire };
        this.#pending.push(entry);
        this.#pending.sort((a, b) => a.at - b.at || a.order - b.order);
        return entry;
    }

    clearTimeout(handle: unknown): void {
        this.#pending = this.#pending.filter((entry) => entry !== handle);
    }

    /** When the next thing waiting is due, if anything waits. */
    get nextDue(): Date | undefined {
        return this.#pending.length === 0 ? undefined : new Date(this.#pending[0].at);
    }

    /** Fires the earliest entry due by `until`, moving time to it; false when none is. */
    fireNext(until: number = Number.POSITIVE_INFINITY): boolean {
        const next = this.#pending[0];
        if (!next || next.at > until) return false;
        this.#pending.shift();
        this.#now = Math.max(this.#now, next.at);
        next.fire();
        return true;
    }

    /** Moves time forward to `to` (never back). */
    moveTo(to: number): void {
        this.#now = Math.max(this.#now, to);
    }
}
