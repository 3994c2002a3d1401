import * as pulumi from '@pulumi/pulumi';
import type { DurableBackend } from './package/hostJson';
import type { RoleName } from './roles';

/**
 * What `npm run replay-check` reads, and so the only roles its identity (the pipeline's) gets, read-only and each
 * on one resource: with the Azure Storage backend the task hub's History and Instances tables and its
 * large-message blobs (the replay-check tool's task hub reader) — Storage Table Data Reader and Storage Blob Data
 * Reader on the storage account; with the Durable Task Scheduler, Durable Task Data Reader on the scheduler.
 * Finding the storage account reads the app settings through ARM, which the deploying identity can already do.
 */
export function replayCheckRoles(
    backend: DurableBackend,
    scopes: { storageAccountId: pulumi.Input<string>; schedulerId?: pulumi.Input<string> },
): { role: RoleName; scope: pulumi.Input<string> }[] {
    if (backend === 'durableTaskScheduler') {
        if (scopes.schedulerId === undefined)
            throw new Error('replayCheckRoles: the Durable Task Scheduler backend needs the scheduler id');
        return [{ role: 'Durable Task Data Reader', scope: scopes.schedulerId }];
    }
    return [
        { role: 'Storage Table Data Reader', scope: scopes.storageAccountId },
        { role: 'Storage Blob Data Reader', scope: scopes.storageAccountId },
    ];
}
