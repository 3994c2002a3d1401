import { gunzipSync } from 'node:zlib';
import { odata, TableClient, type TableServiceClientOptions, type TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { HistoryEvent } from '../../local-host/model/history';
import { EventType } from '../../local-host/model/history';
import type { RuntimeStatus } from '../../local-host/store/store';
import type { RecordedInstance } from '../instances';
import {
    blobColumn,
    historyEventFromEntity,
    historyTableName,
    instancesTableName,
    LARGE_PROPERTIES,
    largeMessageContainer,
    SENTINEL_ROW_KEY,
    unescapePartitionKey,
} from './format';

export interface TaskHubLocation {
    /** https://<account>.table.core.windows.net */
    tableEndpoint: string;
    /** https://<account>.blob.core.windows.net */
    blobEndpoint: string;
    taskHub: string;
    /** An Entra ID credential: DefaultAzureCredential (az login, or the pipeline's OIDC login). */
    credential: TokenCredential;
    /** Pipeline options for both clients (retries, a test's TLS settings). */
    clientOptions?: TableServiceClientOptions & StoragePipelineOptions;
}

/** Instances that can still replay (OrchestrationStatus names as the Instances table stores them). */
const UNFINISHED: RuntimeStatus[] = ['Pending', 'Running', 'Suspended', 'ContinuedAsNew'];
/** How many instances' histories are read at once. */
const PARALLEL_READS = 16;

type Row = TableEntityResult<Record<string, unknown>>;

function storageError(err: unknown, what: string, hub: TaskHubLocation): Error {
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode === 403) {
        return new Error(
            `Azure Storage refused to ${what} (403 ${e.code ?? ''}): the signed-in identity needs Storage Table Data Reader and Storage Blob Data Reader on the app's storage account (infra/roles.ts).`,
        );
    }
    if (e.statusCode === 404)
        return new Error(
            `Task hub '${hub.taskHub}' not found (${what}: 404 ${e.code ?? ''}): check the hub name (host.json extensions.durableTask.hubName).`,
        );
    return new Error(`Could not ${what} at ${hub.tableEndpoint}: ${e.message ?? String(err)}`);
}

/** Every unfinished instance of the task hub with its current execution's history, read with Entra ID. */
export async function readTaskHub(hub: TaskHubLocation): Promise<RecordedInstance[]> {
    const instances = new TableClient(
        hub.tableEndpoint,
        instancesTableName(hub.taskHub),
        hub.credential,
        hub.clientOptions,
    );
    const history = new TableClient(
        hub.tableEndpoint,
        historyTableName(hub.taskHub),
        hub.credential,
        hub.clientOptions,
    );
    const blobs = new BlobServiceClient(hub.blobEndpoint, hub.credential, hub.clientOptions).getContainerClient(
        largeMessageContainer(hub.taskHub),
    );
    const filter = `RowKey eq '' and (${UNFINISHED.map((s) => `RuntimeStatus eq '${s}'`).join(' or ')})`;
    const rows: Row[] = [];
    try {
        for await (const row of instances.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
            rows.push(row);
    } catch (err) {
        throw storageError(err, `read the ${instancesTableName(hub.taskHub)} table`, hub);
    }
    const readBlob = async (name: string): Promise<string> => {
        try {
            return gunzipSync(await blobs.getBlobClient(name).downloadToBuffer()).toString('utf8');
        } catch (err) {
            throw storageError(err, `read the large message blob ${name}`, hub);
        }
    };
    const readOne = async (row: Row): Promise<RecordedInstance> => {
        const key = row.partitionKey ?? '';
        let events: Row[] = [];
        try {
            for await (const e of history.listEntities<Record<string, unknown>>({
                queryOptions: { filter: odata`PartitionKey eq ${key}` },
            }))
                events.push(e);
        } catch (err) {
            throw storageError(err, `read the history of ${unescapePartitionKey(key)}`, hub);
        }
        const executionId = events.find((e) => e.rowKey === SENTINEL_ROW_KEY)?.ExecutionId ?? row.ExecutionId;
        events = events
            .filter((e) => e.rowKey !== SENTINEL_ROW_KEY && e.ExecutionId === executionId)
            .sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
        const parsed: HistoryEvent[] = [];
        for (const entity of events) {
            const columns: Record<string, unknown> = {
                ...entity,
                PartitionKey: entity.partitionKey,
                RowKey: entity.rowKey,
            };
            delete columns.partitionKey;
            delete columns.rowKey;
            delete columns.timestamp;
            for (const property of LARGE_PROPERTIES) {
                const blobName = columns[blobColumn(property)];
                if (typeof blobName !== 'string') continue;
                columns[property] = await readBlob(blobName);
                delete columns[blobColumn(property)];
            }
            parsed.push(historyEventFromEntity(columns));
        }
        return {
            instanceId: unescapePartitionKey(key),
            name: String(row.Name),
            runtimeStatus: row.RuntimeStatus as RuntimeStatus,
            history: parsed.length > 0 ? parsed : [pendingStart(row)],
            source: `task hub ${hub.taskHub}`,
        };
    };
    const result: RecordedInstance[] = [];
    for (let i = 0; i < rows.length; i += PARALLEL_READS)
        result.push(...(await Promise.all(rows.slice(i, i + PARALLEL_READS).map(readOne))));
    return result.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

/** A Pending instance has no history yet: its version and input are on its Instances row. */
function pendingStart(row: Row): HistoryEvent {
    const at = row.CreatedTime instanceof Date ? row.CreatedTime.toISOString() : String(row.CreatedTime ?? '');
    return {
        EventType: EventType.ExecutionStarted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: at,
        Name: String(row.Name),
        Version: row.Version,
        Input: row.Input,
    } as HistoryEvent;
}
