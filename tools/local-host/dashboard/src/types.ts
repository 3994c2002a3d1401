/** What the Durable HTTP API answers (no DOM here: the host's tests import it too). */
export const RUNTIME_STATUSES = ['Pending', 'Running', 'Completed', 'Failed', 'Terminated', 'Suspended', 'ContinuedAsNew'] as const;
export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

export interface HistoryEvent {
    /** A name as the extension answers (`TaskCompleted`), or DurableTask.Core's number. */
    EventType: string | number;
    Timestamp: string;
    FunctionName?: string;
    Name?: string;
    ScheduledTime?: string;
    FireAt?: string;
    Result?: unknown;
    Input?: unknown;
    Reason?: string;
    Details?: string;
    FailureDetails?: unknown;
    OrchestrationStatus?: string;
    InstanceId?: string;
    [key: string]: unknown;
}

export interface InstanceStatus {
    name: string;
    instanceId: string;
    runtimeStatus: RuntimeStatus;
    input?: unknown;
    customStatus?: unknown;
    output?: unknown;
    createdTime: string;
    lastUpdatedTime: string;
    historyEvents?: HistoryEvent[];
}

export const CONTINUATION_HEADER = 'x-ms-continuation-token';
