/** History events as DurableTask.Core serializes them to the worker (PascalCase, `EventType` numbers). */
export const EventType = {
    ExecutionStarted: 0,
    ExecutionCompleted: 1,
    ExecutionFailed: 2,
    ExecutionTerminated: 3,
    TaskScheduled: 4,
    TaskCompleted: 5,
    TaskFailed: 6,
    SubOrchestrationInstanceCreated: 7,
    SubOrchestrationInstanceCompleted: 8,
    SubOrchestrationInstanceFailed: 9,
    TimerCreated: 10,
    TimerFired: 11,
    OrchestratorStarted: 12,
    OrchestratorCompleted: 13,
    EventSent: 14,
    EventRaised: 15,
    ContinueAsNew: 16,
    GenericEvent: 17,
    HistoryState: 18,
    ExecutionSuspended: 19,
    ExecutionResumed: 20,
} as const;

export type EventTypeNumber = (typeof EventType)[keyof typeof EventType];
export const EVENT_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(EventType).map(([name, n]) => [n, name]));

export interface HistoryEvent {
    EventType: number;
    EventId: number;
    IsPlayed: boolean;
    Timestamp: string;
    [field: string]: unknown;
}

export function historyEvent(type: EventTypeNumber, at: Date, fields: Record<string, unknown> = {}, eventId = -1): HistoryEvent {
    return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at.toISOString(), ...fields };
}

/** The scheduled-task id a completion event answers, or undefined for other events. */
export function completedTaskId(event: HistoryEvent): number | undefined {
    switch (event.EventType) {
        case EventType.TaskCompleted:
        case EventType.TaskFailed:
        case EventType.SubOrchestrationInstanceCompleted:
        case EventType.SubOrchestrationInstanceFailed:
            return event.TaskScheduledId as number;
        case EventType.TimerFired:
            return event.TimerId as number;
        default:
            return undefined;
    }
}

/** Failure details in the shape durable-functions reads (`FailureDetails`) plus the classic Reason/Details. */
export function failureFields(error: unknown): Record<string, unknown> {
    const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
    const nonRetriable = (err as { isNonRetriable?: unknown }).isNonRetriable === true;
    let details: Record<string, unknown> = { ErrorType: err.name || 'Error', ErrorMessage: err.message, StackTrace: err.stack, IsNonRetriable: nonRetriable };
    // durable-functions serializes failure details into the message when an exception-properties provider is set.
    try {
        const parsed = JSON.parse(err.message) as Record<string, unknown>;
        if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) {
            details = {
                ErrorType: parsed.errorType,
                ErrorMessage: parsed.errorMessage,
                StackTrace: parsed.stackTrace,
                IsNonRetriable: parsed.isNonRetriable ?? false,
                Properties: parsed.properties,
            };
        }
    } catch {
        // a plain message
    }
    return { Reason: String(details.ErrorMessage), Details: String(details.StackTrace ?? ''), FailureDetails: details };
}
