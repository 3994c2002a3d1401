import type { EntityScheduler } from '../engine/entities/entityScheduler';
import type { EntityRecord } from '../engine/entities/entityStore';
import { extensionTime } from './statusJson';

/**
 * With the Azure Storage backend an entity is an orchestration instance named `@<name>@<key>`
 * that never completes (TaskEntityShim: "implements the entity scheduler as a looping orchestration",
 * ContinueAsNew after each batch; azure-functions-durable-extension
 * src/WebJobs.Extensions.DurableTask/Listener/TaskEntityShim.cs). So the instance API reads it
 * (status Running), purges it by id, and a purge by filter without `runtimeStatus` counts it
 * (Azure/durabletask src/DurableTask.AzureStorage/Tracking/AzureTableTrackingStore.cs PurgeInstanceHistoryAsync: no
 * status condition when none is given; given ones are narrowed to Completed/Terminated/Canceled/Failed).
 */
export interface EntityInstances {
    /** The status JSON of an entity instance, or undefined when it has none. */
    status(instanceId: string, showInput: boolean): Record<string, unknown> | undefined;
    /** Deletes one entity instance; whether there was one. */
    purge(instanceId: string): boolean;
    /** Ids of the entity instances created in the range. */
    createdBetween(from: number | undefined, to: number | undefined): string[];
}

export function entityInstances(scheduler: EntityScheduler): EntityInstances {
    return {
        status(instanceId, showInput) {
            if (!instanceId.startsWith('@')) return undefined;
            const record = scheduler.instance(instanceId);
            return record && statusOf(instanceId, record, showInput);
        },
        purge: (instanceId) => instanceId.startsWith('@') && scheduler.purge(instanceId),
        createdBetween: (from, to) =>
            scheduler
                .instances()
                .filter(({ record }) => {
                    const created = Date.parse(record.createdTime ?? record.lastOperationTime);
                    return (from === undefined || created >= from) && (to === undefined || created <= to);
                })
                .map(({ schedulerId }) => schedulerId),
    };
}

/** As DurableOrchestrationStatus: the entity's name, Running, its scheduler state as the input. */
function statusOf(instanceId: string, record: EntityRecord, showInput: boolean): Record<string, unknown> {
    const state = { exists: record.exists, state: record.state ?? null };
    return {
        name: record.entity.name,
        instanceId,
        runtimeStatus: 'Running',
        input: showInput ? state : null,
        customStatus: null,
        output: null,
        createdTime: extensionTime(record.createdTime ?? record.lastOperationTime),
        lastUpdatedTime: extensionTime(record.lastOperationTime),
    };
}
