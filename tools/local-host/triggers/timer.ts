import type { LogSink } from '../worker-process/functionsCore';
import type { AppFunctions } from '../worker-channel/appFunctions';
import { parseSchedule, type Schedule } from './ncrontab';

export interface TimerTriggerOptions {
    env?: NodeJS.ProcessEnv;
    log?: LogSink;
    now?: () => Date;
    /** Timer functions not to run (e.g. ones with other bindings the host cannot serve). */
    skip?: ReadonlySet<string>;
}

interface TimerState {
    functionName: string;
    triggerName: string;
    schedule: Schedule;
    runOnStartup: boolean;
    last?: Date;
    handle?: NodeJS.Timeout;
}

/** How late an occurrence may fire before the invocation reports `isPastDue`. */
const PAST_DUE_MS = 1000;
/** The longest delay setTimeout honours (2^31-1 ms); a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Fires `app.timer` functions on their schedule (and once at start-up with `runOnStartup`),
 * one run at a time per function like the host's singleton timer listener; the next occurrence is
 * computed once a run finishes. Functions whose schedule does not parse are reported, not fired.
 */
export class TimerTriggers {
    readonly #timers: TimerState[] = [];
    readonly problems: { functionName: string; reason: string }[] = [];
    readonly #functions: AppFunctions;
    readonly #log: LogSink;
    readonly #now: () => Date;
    #stopped = false;

    constructor(functions: AppFunctions, options: TimerTriggerOptions = {}) {
        this.#functions = functions;
        this.#log = options.log ?? (() => undefined);
        this.#now = options.now ?? (() => new Date());
        for (const [name, registration] of functions.registrations) {
            if (registration.trigger.type !== 'timerTrigger' || options.skip?.has(name)) continue;
            try {
                const schedule = parseSchedule(String(registration.trigger.schedule ?? ''), options.env);
                this.#timers.push({
                    functionName: name,
                    triggerName: registration.triggerName,
                    schedule,
                    runOnStartup: registration.trigger.runOnStartup === true,
                });
            } catch (error) {
                this.problems.push({ functionName: name, reason: (error as Error).message });
            }
        }
    }

    get functionNames(): string[] {
        return this.#timers.map((t) => t.functionName);
    }

    start(): void {
        for (const timer of this.#timers) {
            if (timer.runOnStartup) void this.#fire(timer, this.#now());
            else this.#arm(timer);
        }
    }

    stop(): void {
        this.#stopped = true;
        for (const timer of this.#timers) clearTimeout(timer.handle);
    }

    #arm(timer: TimerState, due = timer.schedule.next(this.#now())): void {
        if (this.#stopped) return;
        const delay = Math.max(0, due.getTime() - this.#now().getTime());
        // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days), so far occurrences are waited for in steps.
        timer.handle =
            delay > MAX_TIMEOUT_MS
                ? setTimeout(() => this.#arm(timer, due), MAX_TIMEOUT_MS)
                : setTimeout(() => void this.#fire(timer, due), delay);
    }

    async #fire(timer: TimerState, due: Date): Promise<void> {
        if (this.#stopped) return;
        const now = this.#now();
        const payload = {
            Schedule: { AdjustForDST: true },
            ScheduleStatus: {
                Last: (timer.last ?? new Date(0)).toISOString(),
                Next: timer.schedule.next(now).toISOString(),
                LastUpdated: now.toISOString(),
            },
            IsPastDue: now.getTime() - due.getTime() > PAST_DUE_MS,
        };
        timer.last = now;
        try {
            await this.#functions.invoke(timer.functionName, {
                inputData: { [timer.triggerName]: { json: JSON.stringify(payload) } },
            });
        } catch (error) {
            this.#log(
                'error',
                'system',
                `Timer function "${timer.functionName}" failed: ${error instanceof Error ? error.message : String(error)}`,
            );
        }
        this.#arm(timer);
    }
}
