/** What the Durable HTTP API answers (no DOM here: the host's tests import it too). */
export const RUNTIME_STATUSES = [
    'Pending',
    'Running',
    'Completed',
    'Failed',
    'Terminated',
    'Suspended',
    'ContinuedAsNew',
] as const;
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
    /** The orchestration's version; absent when it has none (durable-api/statusJson.ts). */
    version?: string;
    runtimeStatus: RuntimeStatus;
    input?: unknown;
    customStatus?: unknown;
    output?: unknown;
    createdTime: string;
    lastUpdatedTime: string;
    historyEvents?: HistoryEvent[];
}

export const CONTINUATION_HEADER = 'x-ms-continuation-token';

/** `config.json` beside the page: what the server behind it offers (the local host, or `npm run dashboard`'s proxy). */
export interface DashboardConfig {
    /** Shown in the header: `local` or the deployed app's name. */
    label: string;
    /** Whether terminate, suspend, resume, raise event, restart, rewind and purge are allowed; false hides them. */
    actions: boolean;
    /** Shown instead of the action buttons when actions are off. */
    actionsHint?: string;
    /**
     * `extensions`: the local host's `order=newest` and `namePrefix` listing parameters; `standard`: only what
     * the extension's API offers in Azure (the page orders and filters by name itself).
     */
    listing: 'extensions' | 'standard';
    /** How often the open view refreshes. */
    refreshMs: number;
    /**
     * The local host's list of work waiting to be redelivered after it ended its worker (poison messages), relative to
     * the API.
     */
    redeliveries?: string;
}

/** One entry of that list (worker-channel/redelivery.ts). */
export interface Redelivery {
    /**
     * The work: an instance id (its orchestrator episode), `<instance id> task <n>` (an activity), `@name@key` (an
     * entity).
     */
    key: string;
    /** The function it runs. */
    functionName: string;
    /** Times it was delivered and its worker went away. */
    deliveries: number;
    /** When it is delivered again (ISO). */
    nextAttemptAt: string;
    /** Azure's rule: the redelivery delay reached its 600 s maximum. */
    poison: boolean;
    lastError: string;
}
export const CONFIG_FILE = 'config.json';
