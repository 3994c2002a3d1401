import { EventType, type HistoryEvent } from './history';

export type RuntimeStatus =
    'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';
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
    /**
     * The version it was started with (its ExecutionStarted event's `Version`), kept beside the status; undefined:
     * none.
     */
    version?: string;
    history: HistoryEvent[];
    /** Messages (completions, events, control) waiting for the next episode. */
    inbox: HistoryEvent[];
}

/** The fields an engine step may change besides history and messages. */
export type StatusFields = Partial<
    Pick<InstanceRecord, 'runtimeStatus' | 'output' | 'customStatus' | 'lastUpdatedTime' | 'input'>
>;

/**
 * The version in an instance's ExecutionStarted event (in its history, or still queued while Pending); undefined when
 * it has none.
 */
export function startedVersion(record: Pick<InstanceRecord, 'history' | 'inbox'>): string | undefined {
    const started = (events: HistoryEvent[]) => events.find((e) => e.EventType === EventType.ExecutionStarted);
    const version = (started(record.history) ?? started(record.inbox))?.Version;
    return typeof version === 'string' && version !== '' ? version : undefined;
}

export function isTerminal(record: Pick<InstanceRecord, 'runtimeStatus'>): boolean {
    return TERMINAL_STATUSES.includes(record.runtimeStatus);
}
