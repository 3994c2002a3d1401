import type { HistoryEvent } from '../engine/history';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';
export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

/** One orchestration instance: its status, its committed history and the messages not yet replayed. */
export interface InstanceRecord {
    instanceId: string;
    name: string;
    executionId: string;
    runtimeStatus: RuntimeStatus;
    /** JSON texts, kept as the extension keeps them (serialized once). */
    input?: string;
    output?: string;
    customStatus?: string;
    createdTime: string;
    lastUpdatedTime: string;
    parent?: { instanceId: string; taskId: number; executionId?: string };
    history: HistoryEvent[];
    /** Messages (completions, events, control) waiting for the next episode. */
    inbox: HistoryEvent[];
}

/**
 * Where instances live. `save` resolves once the record's state (or a newer one) is durable; saves of
 * one instance stay in order; a crash at any point leaves every resolved save readable by `loadAll`.
 * A store may move a finished instance's history out of memory (reading it back on access).
 */
export interface Store {
    loadAll(): Promise<InstanceRecord[]>;
    /** Resolves once a state at least as new as `record` is durable. */
    save(record: InstanceRecord): Promise<void>;
    delete(instanceId: string): Promise<void>;
    close(): Promise<void>;
}

/** Keeps instances in memory only (tests, and the bench's floor: the engine without any I/O). */
export class MemoryStore implements Store {
    async loadAll(): Promise<InstanceRecord[]> {
        return [];
    }
    async save(): Promise<void> {}
    async delete(): Promise<void> {}
    async close(): Promise<void> {}
}

export function isTerminal(record: Pick<InstanceRecord, 'runtimeStatus'>): boolean {
    return TERMINAL_STATUSES.includes(record.runtimeStatus);
}
