/**
 * The model every layer shares (engine, store, worker, API): history events as DurableTask.Core
 * serializes them to the worker (PascalCase, `EventType` numbers). A leaf: it imports nothing.
 */
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
export const EVENT_TYPE_NAMES: Record<number, string> = Object.fromEntries(
    Object.entries(EventType).map(([name, n]) => [n, name]),
);

interface EventBase {
    EventId: number;
    IsPlayed: boolean;
    Timestamp: string;
    /** Fields this type does not name are kept as the worker sent them. */
    [field: string]: unknown;
}
type Failure = { Reason?: string; Details?: string; FailureDetails?: Record<string, unknown> };
type Instance = { InstanceId: string; ExecutionId?: string };

/** The fields each event type carries (DurableTask.Core History/*.cs, as the extension serializes them). */
interface EventFields {
    [EventType.ExecutionStarted]: {
        Name: string;
        Version?: string;
        Input?: string;
        OrchestrationInstance: Instance;
        ParentInstance?: { OrchestrationInstance: Instance; TaskScheduleId: number };
    };
    [EventType.ExecutionCompleted]: { OrchestrationStatus: string; Result?: string } & Failure;
    [EventType.ExecutionFailed]: Failure;
    [EventType.ExecutionTerminated]: { Input?: string; OrchestrationStatus?: string; Result?: string };
    [EventType.TaskScheduled]: { Name: string; Version?: string; Input?: string };
    [EventType.TaskCompleted]: { TaskScheduledId: number; Result?: string };
    [EventType.TaskFailed]: { TaskScheduledId: number } & Failure;
    [EventType.SubOrchestrationInstanceCreated]: { Name: string; Version?: string; Input?: string; InstanceId: string };
    [EventType.SubOrchestrationInstanceCompleted]: { TaskScheduledId: number; Result?: string };
    [EventType.SubOrchestrationInstanceFailed]: { TaskScheduledId: number } & Failure;
    [EventType.TimerCreated]: { FireAt: string };
    [EventType.TimerFired]: { TimerId: number; FireAt?: string };
    [EventType.OrchestratorStarted]: object;
    [EventType.OrchestratorCompleted]: object;
    [EventType.EventSent]: { Name: string; Input?: string; InstanceId: string };
    [EventType.EventRaised]: { Name: string; Input?: string };
    [EventType.ContinueAsNew]: { Result?: string };
    [EventType.GenericEvent]: { Data: string };
    [EventType.HistoryState]: object;
    [EventType.ExecutionSuspended]: { Reason?: string };
    [EventType.ExecutionResumed]: { Reason?: string };
}

/** One history event of type `T`. */
export type HistoryEventOf<T extends EventTypeNumber> = T extends EventTypeNumber
    ? EventBase & { EventType: T } & EventFields[T]
    : never;

/** A history event: a union on `EventType`, so a check of the type narrows to its fields. */
export type HistoryEvent = { [T in EventTypeNumber]: HistoryEventOf<T> }[EventTypeNumber];

export function historyEvent<T extends EventTypeNumber>(
    type: T,
    at: Date,
    fields: Partial<EventFields[T]> & Record<string, unknown> = {},
    eventId = -1,
): HistoryEventOf<T> {
    return {
        EventType: type,
        EventId: eventId,
        IsPlayed: false,
        Timestamp: at.toISOString(),
        ...fields,
    } as HistoryEventOf<T>;
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
    let details: Record<string, unknown> = {
        ErrorType: err.name || 'Error',
        ErrorMessage: err.message,
        StackTrace: err.stack,
        IsNonRetriable: nonRetriable,
    };
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
