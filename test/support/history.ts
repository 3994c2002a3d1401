/** History events as the Durable extension serializes them to the worker (DurableTask.Core, PascalCase). */

let clock = Date.parse('2026-01-01T00:00:00Z');
function nextTimestamp(): string {
    clock += 1000;
    return new Date(clock).toISOString();
}

export function orchestratorStarted(eventId = -1): Record<string, unknown> {
    return { EventType: 12, EventId: eventId, IsPlayed: false, Timestamp: nextTimestamp() };
}

export function executionStarted(name: string, input?: unknown): Record<string, unknown> {
    return {
        EventType: 0,
        EventId: -1,
        IsPlayed: false,
        Timestamp: nextTimestamp(),
        Name: name,
        Input: input === undefined ? undefined : JSON.stringify(input),
        OrchestrationInstance: { InstanceId: 'test-instance', ExecutionId: 'exec-1' },
    };
}

export function taskScheduled(eventId: number, name: string, input?: unknown): Record<string, unknown> {
    return {
        EventType: 4,
        EventId: eventId,
        IsPlayed: false,
        Timestamp: nextTimestamp(),
        Name: name,
        Input: input === undefined ? undefined : JSON.stringify(input),
    };
}

export function taskCompleted(scheduledId: number, result: unknown): Record<string, unknown> {
    return { EventType: 5, EventId: -1, IsPlayed: false, Timestamp: nextTimestamp(), TaskScheduledId: scheduledId, Result: JSON.stringify(result) };
}

export function taskFailed(scheduledId: number, reason: string, details = ''): Record<string, unknown> {
    return { EventType: 6, EventId: -1, IsPlayed: false, Timestamp: nextTimestamp(), TaskScheduledId: scheduledId, Reason: reason, Details: details };
}

export function orchestratorCompleted(): Record<string, unknown> {
    return { EventType: 13, EventId: -1, IsPlayed: false, Timestamp: nextTimestamp() };
}
