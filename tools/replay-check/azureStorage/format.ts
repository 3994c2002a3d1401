import { EventType, type HistoryEvent } from '../../local-host/model/history';

/**
 * The task hub as DurableTask.AzureStorage writes it (Azure/durabletask src/DurableTask.AzureStorage):
 * - tables `<hub>History` and `<hub>Instances`, container `<hub lower-case>-largemessages`
 *   (AzureStorageOrchestrationServiceSettings.cs HistoryTableName / InstanceTableName;
 *   AzureStorageOrchestrationService.cs compressedMessageBlobContainerName);
 * - PartitionKey: the instance id escaped by Tracking/KeySanitation.cs; Instances row key '';
 * - History rows (Tracking/AzureTableTrackingStore.cs UpdateStateAsync): RowKey the event's sequence number as
 *   16 hex digits, an `ExecutionId` column, and a `sentinel` row whose ExecutionId is the current execution's
 *   (GetHistoryEventsAsync keeps only that execution's rows);
 * - each event's [DataMember]s as columns (Tracking/TableEntityConverter.cs): enums by name (EventType
 *   "TaskScheduled", OrchestrationStatus), strings/ints/bools/dates as such, other types as JSON text, and
 *   `Timestamp` renamed `_Timestamp` (it would clash with the table's own);
 * - a Name/Input/Result/Output/Reason/Details/Correlation/FailureDetails/Tags value over 60 KB (UTF-16) moves
 *   to a gzip blob `<PartitionKey>/history-<RowKey>-<EventType>-<random>-<Property>.json.gz`, the column is
 *   emptied and `<Property>BlobName` names the blob (CompressLargeMessageAsync / DecompressLargeEntityProperties;
 *   MessageManager.cs CompressAndUploadAsBytesAsync: UTF-8, GZipStream).
 */
export const historyTableName = (hub: string): string => `${hub}History`;
export const instancesTableName = (hub: string): string => `${hub}Instances`;
export const largeMessageContainer = (hub: string): string => `${hub.toLowerCase()}-largemessages`;
export const SENTINEL_ROW_KEY = 'sentinel';
export const LARGE_PROPERTIES = [
    'Name',
    'Input',
    'Result',
    'Output',
    'Reason',
    'Details',
    'Correlation',
    'FailureDetails',
    'Tags',
] as const;
export const blobColumn = (property: string): string => `${property}BlobName`;

/** Members whose types are classes: TableEntityConverter stores them as JSON text; the worker gets them as objects. */
const JSON_MEMBERS = new Set([
    'OrchestrationInstance',
    'ParentInstance',
    'FailureDetails',
    'Tags',
    'ParentTraceContext',
]);
/** Table service and tracking columns that are not members of the event. */
const NOT_MEMBERS = new Set(['PartitionKey', 'RowKey', 'Timestamp', 'etag', 'odata.etag', 'ExecutionId']);

/** KeySanitation.UnescapePartitionKey: `^^` → `^`, `^0`..`^3` → `/ \ # ?`, `^` + (À + c) → control character c. */
export function unescapePartitionKey(key: string): string {
    let out = '';
    for (let i = 0; i < key.length; i++) {
        const c = key[i];
        if (c !== '^' || i + 1 >= key.length) {
            out += c;
            continue;
        }
        const next = key[++i];
        const simple: Record<string, string> = { '^': '^', '0': '/', '1': '\\', '2': '#', '3': '?' };
        out += simple[next] ?? String.fromCharCode(next.charCodeAt(0) - 'À'.charCodeAt(0));
    }
    return out;
}

/** KeySanitation.EscapePartitionKey. */
export function escapePartitionKey(key: string): string {
    let out = '';
    for (const c of key) {
        const code = c.charCodeAt(0);
        if (c === '^') out += '^^';
        else if (c === '/') out += '^0';
        else if (c === '\\') out += '^1';
        else if (c === '#') out += '^2';
        else if (c === '?') out += '^3';
        else if (code <= 0x1f || (code >= 0x7f && code <= 0x9f))
            out += `^${String.fromCharCode('À'.charCodeAt(0) + code)}`;
        else out += c;
    }
    return out;
}

const iso = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

/** One History row (large properties already put back) as the event the worker gets. */
export function historyEventFromEntity(entity: Record<string, unknown>): HistoryEvent {
    const typeName = entity.EventType;
    const type = typeof typeName === 'number' ? typeName : EventType[typeName as keyof typeof EventType];
    if (type === undefined)
        throw new Error(
            `History row ${String(entity.PartitionKey)}/${String(entity.RowKey)} has an unknown EventType ${JSON.stringify(typeName)}.`,
        );
    // Columns of any event type: the union is narrowed by whoever reads it.
    const event = { EventType: type, EventId: -1, IsPlayed: false, Timestamp: '' } as HistoryEvent;
    for (const [column, raw] of Object.entries(entity)) {
        if (NOT_MEMBERS.has(column) || column === 'EventType' || column.endsWith('@odata.type')) continue;
        const value = iso(raw);
        if (column === '_Timestamp') event.Timestamp = String(value);
        else if (JSON_MEMBERS.has(column) && typeof value === 'string' && value !== '')
            event[column] = JSON.parse(value) as unknown;
        else event[column] = value;
    }
    return event;
}
