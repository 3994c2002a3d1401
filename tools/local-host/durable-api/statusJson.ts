import { completedTaskId, EVENT_TYPE_NAMES, EventType, type HistoryEvent } from '../model/history';
import type { InstanceRecord, RuntimeStatus } from '../store/store';

export const RUNTIME_STATUSES: readonly RuntimeStatus[] = [
    'Pending',
    'Running',
    'Completed',
    'ContinuedAsNew',
    'Failed',
    'Terminated',
    'Suspended',
];

export interface StatusOptions {
    showInput?: boolean;
    showHistory?: boolean;
    showHistoryOutput?: boolean;
}

/** The extension prints times as `yyyy-MM-ddTHH:mm:ssZ`. */
export function extensionTime(iso: string): string {
    return iso.replace(/\.\d+Z$/, 'Z');
}

function parsed(json: string | undefined): unknown {
    return json === undefined ? null : JSON.parse(json);
}

/**
 * DurableOrchestrationStatus as the extension's HTTP API serializes it. `version`: the orchestration's
 * version, omitted when it has none, as Azure/azure-functions-durable-extension PR #3532 ("Expose
 * orchestration version in HTTP status responses": single-instance and collection status answers carry an
 * optional `version`) and azure-functions-durable-js PR #725 (getStatus / getStatusAll map it to
 * `status.version`). Not in the history: the extension's DurableClient.GetDurableOrchestrationStatusAsync
 * (src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableClient.cs) removes `Version` from the
 * ExecutionStarted, TaskScheduled and SubOrchestrationInstanceCreated events of `showHistory=true`.
 * Read from the record (the store keeps it beside the status): a finished instance's history stays on
 * disk unless `showHistory` asks for it.
 */
export function statusJson(record: InstanceRecord, options: StatusOptions = {}): Record<string, unknown> {
    const { version } = record;
    const status: Record<string, unknown> = {
        name: record.name,
        instanceId: record.instanceId,
        ...(version === undefined ? {} : { version }),
        runtimeStatus: record.runtimeStatus,
        input: options.showInput === false ? null : parsed(record.input),
        customStatus: parsed(record.customStatus),
        output: parsed(record.output),
        createdTime: extensionTime(record.createdTime),
        lastUpdatedTime: extensionTime(record.lastUpdatedTime),
    };
    if (options.showHistory) status.historyEvents = historyJson(record.history, options.showHistoryOutput === true);
    return status;
}

const HIDDEN = new Set<number>([EventType.OrchestratorStarted, EventType.OrchestratorCompleted]);
const SCHEDULING = new Set<number>([EventType.TaskScheduled, EventType.SubOrchestrationInstanceCreated]);

/**
 * History as the extension shows it with `showHistory=true`: scheduling events folded into their
 * completions (FunctionName, ScheduledTime), event types by name, payloads only with showHistoryOutput.
 * A scheduled task or sub-orchestration still running stays as its scheduling event (with `Name`).
 */
export function historyJson(history: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
    const scheduled = new Map<number, HistoryEvent>();
    for (const event of history) {
        if (
            event.EventType === EventType.TaskScheduled ||
            event.EventType === EventType.SubOrchestrationInstanceCreated
        )
            scheduled.set(event.EventId, event);
    }
    const completedIds = new Set(
        history
            .map((e) => (e.EventType === EventType.TimerFired ? undefined : completedTaskId(e)))
            .filter((id) => id !== undefined),
    );
    const out: Record<string, unknown>[] = [];
    for (const event of history) {
        if (HIDDEN.has(event.EventType) || (SCHEDULING.has(event.EventType) && completedIds.has(event.EventId)))
            continue;
        const item: Record<string, unknown> = {
            EventType: EVENT_TYPE_NAMES[event.EventType] ?? String(event.EventType),
        };
        const origin = typeof event.TaskScheduledId === 'number' ? scheduled.get(event.TaskScheduledId) : undefined;
        if (origin) {
            item.FunctionName = origin.Name;
            if (origin.EventType === EventType.SubOrchestrationInstanceCreated) item.InstanceId = origin.InstanceId;
            item.ScheduledTime = origin.Timestamp;
        }
        if (event.EventType === EventType.ExecutionStarted) item.FunctionName = event.Name;
        if (event.EventType === EventType.EventRaised || SCHEDULING.has(event.EventType)) item.Name = event.Name;
        if (event.EventType === EventType.TimerCreated || event.EventType === EventType.TimerFired)
            item.FireAt = event.FireAt;
        if (event.EventType === EventType.ExecutionCompleted || event.EventType === EventType.ExecutionTerminated)
            item.OrchestrationStatus = event.OrchestrationStatus;
        if (event.Reason !== undefined) item.Reason = event.Reason;
        if (event.FailureDetails !== undefined) item.FailureDetails = event.FailureDetails;
        item.Timestamp = event.Timestamp;
        if (showOutput) {
            if (event.Input !== undefined) item.Input = tryParse(event.Input);
            if (event.Result !== undefined) item.Result = tryParse(event.Result);
            if (event.Details !== undefined) item.Details = event.Details;
        }
        out.push(item);
    }
    return out;
}

function tryParse(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}
