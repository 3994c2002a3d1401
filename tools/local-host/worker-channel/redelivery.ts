import type { Redelivery } from '../dashboard/src/types';
import { WorkerExitedError } from './workerProcess';

/**
 * Durable work that keeps ending its worker (a `process.exit`, a crash, a stack overflow nobody
 * catches) is redelivered as DurableTask.AzureStorage redelivers an abandoned queue
 * message: after 2^n seconds, n = times it was delivered, at most 600 s; from there on it is logged as
 * poison ("Message ... has been dequeued n times and is now considered poison") and still retried every
 * 600 s. Nothing fails it: the instance keeps its status (Pending before its first step, else Running),
 * as in Azure (Azure/durabletask src/DurableTask.AzureStorage/Messaging/TaskHubQueue.cs AbandonMessageAsync,
 * Logging/LogEvents.cs PoisonMessageDetected). Each piece of work waits on its own, so one poison message
 * never holds up the others. A crash cannot say which of the invocations in flight caused it, so all are
 * charged; redelivered work then runs one piece at a time (beside fresh work), so the innocent ones
 * complete on their next delivery and only the poison keeps crashing. The count and the time of the next
 * delivery are kept in the store (`RedeliveryLog`): in Azure they are the queue message's own DequeueCount
 * and visibility timeout (AbandonMessageAsync sets it with UpdateMessageAsync), so they survive a restart
 * of the host, and poison work restarted with the host waits out its delay instead of crashing the new worker.
 */
export const MAX_REDELIVERY_DELAY_S = 600;

/** What the dashboard shows of a piece of work waiting to be redelivered (its type lives with the page's). */
export type RedeliveryState = Redelivery;

/** One entry as the store keeps it. */
export interface RedeliveryRecord {
    key: string;
    instanceId: string;
    functionName: string;
    deliveries: number;
    nextAttemptAt: string;
    lastError: string;
}

/** Where redelivery counts survive a restart; each call is durable when it returns. */
export interface RedeliveryLog {
    load(): RedeliveryRecord[];
    save(record: RedeliveryRecord): void;
    delete(key: string): void;
}

/** A piece of Durable work: its redelivery key and the instance it belongs to. */
export interface WorkRef {
    key: string;
    instanceId: string;
}

interface Entry extends RedeliveryState {
    instanceId: string;
    at: number;
    wake?: () => void;
    woken?: boolean;
}

/** A message whose wait was cut short because its instance was terminated or purged. */
export class RedeliveryWoken extends WorkerExitedError {
    override name = 'RedeliveryWoken';
}

export class Redeliveries {
    #entries = new Map<string, Entry>();
    /** Keys whose attempt is running now, and those of them whose instance was terminated or purged meanwhile. */
    #running = new Set<string>();
    #wokenWhileRunning = new Set<string>();
    /** Redelivered work runs one at a time: this settles when the one running now has. */
    #turn: Promise<void> = Promise.resolve();

    /** `secondMs`: the length of one backoff "second" (DURABLE_LOCAL_REDELIVERY_SECOND_MS lets tests shorten it). */
    constructor(
        private readonly log: (message: string) => void,
        private readonly secondMs = 1000,
        private readonly now: () => number = Date.now,
        private readonly store?: RedeliveryLog,
    ) {
        for (const r of store?.load() ?? []) {
            this.#entries.set(r.key, { ...r, at: Date.parse(r.nextAttemptAt), poison: poisonAfter(r.deliveries) });
        }
    }

    /** Runs `attempt` for the work, after the delay its earlier deliveries earned. */
    async run<T>(work: WorkRef | undefined, functionName: string, attempt: () => Promise<T>): Promise<T> {
        if (work === undefined) return attempt();
        const { key } = work;
        const entry = this.#entries.get(key);
        if (!entry) return this.#attempt(work, functionName, attempt);
        if (entry.at > this.now()) await this.#wait(entry);
        const previous = this.#turn;
        let release = (): void => undefined;
        this.#turn = new Promise((resolve) => (release = resolve));
        try {
            await previous;
            if (entry.woken)
                throw new RedeliveryWoken(
                    `the redelivery of ${key} was cut short: the instance was terminated or purged`,
                );
            return await this.#attempt(work, functionName, attempt);
        } finally {
            release();
        }
    }

    async #attempt<T>(work: WorkRef, functionName: string, attempt: () => Promise<T>): Promise<T> {
        const { key } = work;
        this.#running.add(key);
        try {
            const result = await attempt();
            this.#forget(key);
            return result;
        } catch (err) {
            // Only a worker that went away counts. A functionTimeout is the function's own failure (an activity
            // fails with it; an orchestrator episode is replayed after paying the whole timeout). An instance
            // terminated or purged while its attempt ran is not scheduled again: the engine meets the terminate next.
            if (err instanceof RedeliveryWoken) throw err;
            if (err instanceof WorkerExitedError && !this.#wokenWhileRunning.has(key))
                this.#abandoned(work, functionName, err);
            else this.#forget(key);
            throw err;
        } finally {
            this.#running.delete(key);
            this.#wokenWhileRunning.delete(key);
        }
    }

    /**
     * The instance's orchestrator episode stops waiting: the engine takes its messages again and meets the
     * terminate (or finds the instance purged) without running its code, as Azure processes a new message
     * while the poison one is invisible. Its activities keep their schedule (Azure's work-item queue does).
     */
    wake(instanceId: string): void {
        if (this.#running.has(instanceId)) this.#wokenWhileRunning.add(instanceId);
        const entry = this.#entries.get(instanceId);
        if (!entry) return;
        this.#forget(instanceId);
        entry.woken = true;
        entry.wake?.();
    }

    /** Work waiting to be redelivered, for the dashboard. */
    list(): RedeliveryState[] {
        return [...this.#entries.values()].map(
            ({ key, functionName, deliveries, nextAttemptAt, poison, lastError }) => ({
                key,
                functionName,
                deliveries,
                nextAttemptAt,
                poison,
                lastError,
            }),
        );
    }

    #wait(entry: Entry): Promise<void> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                entry.wake = undefined;
                resolve();
            }, entry.at - this.now());
            timer.unref();
            entry.wake = () => {
                clearTimeout(timer);
                reject(
                    new RedeliveryWoken(
                        `the redelivery of ${entry.key} was cut short: the instance was terminated or purged`,
                    ),
                );
            };
        });
    }

    /** Drops the entry (from the store too, when it was there). */
    #forget(key: string): void {
        if (this.#entries.delete(key)) this.#persist(() => this.store?.delete(key));
    }

    /** A store that cannot be written costs the count its durability, never the work: logged, not thrown. */
    #persist(write: () => void): void {
        try {
            write();
        } catch (err) {
            this.log(`warning: could not keep a redelivery count in the store: ${(err as Error).message}`);
        }
    }

    #abandoned({ key, instanceId }: WorkRef, functionName: string, err: Error): void {
        const deliveries = (this.#entries.get(key)?.deliveries ?? 0) + 1;
        const seconds = delaySeconds(deliveries);
        const at = this.now() + seconds * this.secondMs;
        const poison = poisonAfter(deliveries);
        const entry: Entry = {
            key,
            instanceId,
            functionName,
            deliveries,
            at,
            nextAttemptAt: new Date(at).toISOString(),
            poison,
            lastError: err.message,
        };
        this.#entries.set(key, entry);
        this.#persist(() =>
            this.store?.save({
                key,
                instanceId,
                functionName,
                deliveries,
                nextAttemptAt: entry.nextAttemptAt,
                lastError: entry.lastError,
            }),
        );
        if (poison) {
            this.log(
                `warning: '${functionName}' (${key}) has been delivered ${deliveries} times and ended its worker each time: it is now considered poison, as Azure's PoisonMessageDetected says; it is retried every ${MAX_REDELIVERY_DELAY_S} s. Terminate or purge the instance to stop it. Last error: ${err.message}`,
            );
        } else {
            this.log(
                `'${functionName}' (${key}) ended its worker (delivery ${deliveries}: ${err.message}); it is delivered again in ${seconds} s, as Azure redelivers an abandoned message.`,
            );
        }
    }
}

/** TaskHubQueue.AbandonMessageAsync: 2^DequeueCount seconds while DequeueCount <= 30, at most 600. */
function delaySeconds(deliveries: number): number {
    return deliveries <= 30 ? Math.min(2 ** deliveries, MAX_REDELIVERY_DELAY_S) : MAX_REDELIVERY_DELAY_S;
}

/** From the delivery whose delay reaches the maximum on, AbandonMessageAsync logs PoisonMessageDetected. */
function poisonAfter(deliveries: number): boolean {
    return delaySeconds(deliveries) === MAX_REDELIVERY_DELAY_S;
}
