import { MemoryEntityStore, type EntityStore } from '../engine/entities/entityStore';
import type { HistoryEvent } from '../model/history';
import type { InstanceRecord, StatusFields } from '../model/instance';

export { isTerminal, TERMINAL_STATUSES, type InstanceRecord, type RuntimeStatus } from '../model/instance';

/** Which execution of which instance a step writes to. */
export interface ExecutionRef {
    instanceId: string;
    executionId: string;
}

/**
 * What one engine step may write, inside the turn's transaction. Each operation is explicit (no
 * object comparison): the engine says what it appends, sets, enqueues, takes, replaces or purges.
 * Operations on an execution that is gone (purged, or replaced by a newer start) throw
 * `InstanceGoneError`, so whatever was in flight when a purge committed writes nothing.
 */
export interface StoreOps {
    /** A new instance, or a new start of an id whose last run finished: every row the id had is replaced. */
    createInstance(record: InstanceRecord): void;
    /** Appends events after the `at` events already committed in the execution's history. */
    appendHistory(ref: ExecutionRef, at: number, events: HistoryEvent[]): void;
    setStatus(ref: ExecutionRef, fields: StatusFields): void;
    /**
     * Queues a message for the instance (for that execution when `executionId` is given; for a finished
     * one only when `toFailed` and it Failed: kept for a rewind). Returns false when there is no such
     * instance or execution: the message is dropped. `front` puts it before every queued message.
     */
    enqueue(
        instanceId: string,
        executionId: string | undefined,
        message: HistoryEvent,
        options?: { front?: boolean; toFailed?: boolean },
    ): boolean;
    /** Removes messages an episode took (they are in history now, or dropped). */
    take(instanceId: string, messages: HistoryEvent[]): void;
    /** Removes every queued message of the instance except those `keep` says to keep (without `keep`: all of them). */
    dropMessages(instanceId: string, keep?: (message: HistoryEvent) => boolean): void;
    /** A new history for the instance (continue-as-new, rewind): summary fields and history as given. */
    replaceExecution(record: Omit<InstanceRecord, 'inbox'>, previousExecutionId: string): void;
    /** Deletes the instance, its history and its messages; returns whether it existed. */
    purge(instanceId: string): boolean;
}

export class InstanceGoneError extends Error {
    override name = 'InstanceGoneError';
    constructor(ref: ExecutionRef) {
        super(
            `Instance '${ref.instanceId}' (execution ${ref.executionId}) is no longer in the store (purged or started again).`,
        );
    }
}

/**
 * Where instances and entities live. `step` queues one engine step: its writes run in the turn's
 * transaction (every step queued in the same event-loop turn shares one commit); `apply` runs right
 * after that commit, so memory only ever shows what is durable. A step whose writes fail is rolled
 * back alone and rejects; a failed commit rejects every step in it; `apply` never runs for either.
 */
export interface Store {
    readonly entities: EntityStore;
    loadAll(): Promise<InstanceRecord[]>;
    step<T>(write: (ops: StoreOps) => T, apply?: (written: T) => void): Promise<T>;
    /** A finished instance's history may leave memory (read back from disk when asked for). */
    releaseHistory(record: InstanceRecord): void;
    close(): Promise<void>;
}

const NO_OPS: StoreOps = {
    createInstance: () => undefined,
    appendHistory: () => undefined,
    setStatus: () => undefined,
    enqueue: () => true,
    take: () => undefined,
    dropMessages: () => undefined,
    replaceExecution: () => undefined,
    purge: () => true,
};

/** Keeps instances in memory only (the test kit, and the bench's floor: the engine without any I/O). */
export class MemoryStore implements Store {
    constructor(readonly entities: EntityStore = new MemoryEntityStore()) {}
    async loadAll(): Promise<InstanceRecord[]> {
        return [];
    }
    async step<T>(write: (ops: StoreOps) => T, apply?: (written: T) => void): Promise<T> {
        const written = write(NO_OPS);
        apply?.(written);
        return written;
    }
    releaseHistory(): void {}
    async close(): Promise<void> {}
}
