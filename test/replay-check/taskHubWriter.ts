import { gzipSync } from 'node:zlib';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { EVENT_TYPE_NAMES, EventType, type HistoryEvent } from '../../tools/local-host/model/history';
import {
    escapePartitionKey,
    historyTableName,
    instancesTableName,
    largeMessageContainer,
    LARGE_PROPERTIES,
} from '../../tools/replay-check/azureStorage/format';
import type { RecordedInstance } from '../../tools/replay-check/instances';
import { azuriteCredential, type Azurite } from './azurite';

/** 60 KB, counted in UTF-16 bytes as AzureTableTrackingStore.ExceedsMaxTablePropertySize counts. */
const MAX_PROPERTY_BYTES = 60 * 1024;
const DATE_MEMBERS = new Set(['FireAt', 'ScheduledStartTime']);
const JSON_MEMBERS = new Set(['OrchestrationInstance', 'ParentInstance', 'FailureDetails', 'Tags']);

/**
 * Writes instances into Azurite as DurableTask.AzureStorage's AzureTableTrackingStore does (the seed side of
 * the reader's tests): Instances rows, History rows with RowKey X16 and ExecutionId, a sentinel row, large
 * properties gzipped into `<hub>-largemessages`. `olderExecution` adds rows of an earlier execution that a
 * reader must leave out.
 */
export class TaskHubWriter {
    readonly instances: TableClient;
    readonly history: TableClient;
    readonly blobs;

    constructor(
        azurite: Azurite,
        readonly hub: string,
    ) {
        const allowInsecureConnection = false;
        this.instances = new TableClient(azurite.tableEndpoint, instancesTableName(hub), azuriteCredential, {
            allowInsecureConnection,
        });
        this.history = new TableClient(azurite.tableEndpoint, historyTableName(hub), azuriteCredential, {
            allowInsecureConnection,
        });
        this.blobs = new BlobServiceClient(azurite.blobEndpoint, azuriteCredential).getContainerClient(
            largeMessageContainer(hub),
        );
    }

    async create(): Promise<void> {
        await this.instances.createTable();
        await this.history.createTable();
        await this.blobs.createIfNotExists();
    }

    async write(
        instance: RecordedInstance,
        executionId: string,
        options: { olderExecution?: HistoryEvent[] } = {},
    ): Promise<void> {
        const key = escapePartitionKey(instance.instanceId);
        const started = instance.history.find((e) => e.EventType === EventType.ExecutionStarted)!;
        for (const [execution, events] of [
            ...(options.olderExecution ? ([['old-execution', options.olderExecution]] as const) : []),
            [executionId, instance.history] as const,
        ]) {
            for (const [i, event] of events.entries()) {
                const rowKey = i.toString(16).toUpperCase().padStart(16, '0');
                await this.history.upsertEntity(await this.#entity(event, key, rowKey, execution), 'Replace');
            }
        }
        await this.history.upsertEntity({ partitionKey: key, rowKey: 'sentinel', ExecutionId: executionId }, 'Replace');
        await this.instances.upsertEntity(
            {
                partitionKey: key,
                rowKey: '',
                Name: instance.name,
                Version: started.Version ?? '',
                RuntimeStatus: instance.runtimeStatus,
                ExecutionId: executionId,
                CreatedTime: new Date(started.Timestamp),
                CustomStatus: 'null',
            },
            'Replace',
        );
    }

    async #entity(
        event: HistoryEvent,
        partitionKey: string,
        rowKey: string,
        executionId: string,
    ): Promise<Record<string, unknown> & { partitionKey: string; rowKey: string }> {
        const typeName = EVENT_TYPE_NAMES[event.EventType];
        const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
            partitionKey,
            rowKey,
            ExecutionId: executionId,
            EventType: typeName,
        };
        for (const [member, value] of Object.entries(event)) {
            if (member === 'EventType' || value === undefined || value === null) continue;
            if (member === 'Timestamp') entity._Timestamp = new Date(value as string);
            else if (DATE_MEMBERS.has(member)) entity[member] = new Date(value as string);
            else if (JSON_MEMBERS.has(member)) entity[member] = JSON.stringify(value);
            else entity[member] = value;
        }
        for (const property of LARGE_PROPERTIES) {
            const value = entity[property];
            if (typeof value !== 'string' || Buffer.byteLength(value, 'utf16le') <= MAX_PROPERTY_BYTES) continue;
            const blobName = `${partitionKey}/history-${rowKey}-${typeName}-${Math.floor(Math.random() * 0xffffffff)
                .toString(16)
                .toUpperCase()
                .padStart(8, '0')}-${property}.json.gz`;
            const body = gzipSync(Buffer.from(value, 'utf8'));
            await this.blobs.getBlockBlobClient(blobName).upload(body, body.length);
            entity[`${property}BlobName`] = blobName;
            entity[property] = '';
        }
        return entity;
    }
}
