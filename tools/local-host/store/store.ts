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
 * Where instances live. Implementations must make `save` atomic per instance (a crash leaves either
 * the previous or the new record, never a torn one) and keep saves of one instance in order.
 */
export interface Store {
    loadAll(): Promise<InstanceRecord[]>;
    /** Resolves once a state at least as new as `record` is durable. */
    save(record: InstanceRecord): Promise<void>;
    delete(instanceId: string): Promise<void>;
    close(): Promise<void>;
}

export function isTerminal(record: InstanceRecord): boolean {
    return TERMINAL_STATUSES.includes(record.runtimeStatus);
}
