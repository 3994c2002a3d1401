import { randomUUID } from 'node:crypto';
import type { InstanceRecord } from '../store/store';
import { isTerminal } from '../store/store';
import { EventType, historyEvent, type HistoryEvent } from '../model/history';

/** Messages that change an instance's state without running the orchestrator. */
export const CONTROL_EVENTS = new Set<number>([
    EventType.ExecutionTerminated,
    EventType.ExecutionSuspended,
    EventType.ExecutionResumed,
]);

const endsSuspension = (event: HistoryEvent): boolean =>
    event.EventType === EventType.ExecutionResumed || event.EventType === EventType.ExecutionTerminated;

/** Whether the next episode has something to process: while suspended only resume or terminate counts. */
export function hasWork(record: InstanceRecord): boolean {
    if (isTerminal(record) || record.inbox.length === 0) return false;
    return record.runtimeStatus !== 'Suspended' || record.inbox.some(endsSuspension);
}

/**
 * Takes the messages one episode may process: while suspended only a resume or terminate; otherwise
 * everything up to and including a suspend (what follows it waits for the resume).
 */
export function takeMessages(record: InstanceRecord): HistoryEvent[] {
    // A finished instance runs nothing (a Failed one keeps what arrives late, for a rewind).
    if (isTerminal(record)) return [];
    if (record.runtimeStatus === 'Suspended') {
        const index = record.inbox.findIndex(endsSuspension);
        return index < 0 ? [] : record.inbox.splice(index, 1);
    }
    const suspendAt = record.inbox.findIndex((e) => e.EventType === EventType.ExecutionSuspended);
    return record.inbox.splice(0, suspendAt < 0 ? record.inbox.length : suspendAt + 1);
}

export function executionStarted(
    at: Date,
    name: string,
    instanceId: string,
    input: string | undefined,
    parent: InstanceRecord['parent'],
    version?: string,
): HistoryEvent {
    return historyEvent(EventType.ExecutionStarted, at, {
        Name: name,
        Version: version,
        Input: input,
        OrchestrationInstance: { InstanceId: instanceId },
        ParentInstance: parent
            ? { OrchestrationInstance: { InstanceId: parent.instanceId }, TaskScheduleId: parent.taskId }
            : undefined,
    });
}

/** An instance or execution id as the extension makes them: a GUID without dashes. */
export const newId = (): string => randomUUID().replace(/-/g, '');
