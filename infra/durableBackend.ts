import * as pulumi from '@pulumi/pulumi';
import { DTS_CONNECTION_SETTING, DTS_TASKHUB_SETTING, type DurableBackend } from './package/hostJson';
import type { StorageService } from './components/privateStorage';
import type { RoleName } from './roles';

/**
 * The storage services the app's identity needs on AzureWebJobsStorage: blob, queue and table with either
 * backend. Durable's Azure Storage backend keeps its queues, tables and blobs there; with the Durable Task
 * Scheduler the Functions host itself still needs them (host state, keys and leases in blobs; its diagnostic
 * events table, Azure/azure-functions-host src/WebJobs.Script.WebHost/Diagnostics/
 * DiagnosticEventTableStorageRepository.cs). Microsoft's Flex + DTS template granted blob only and went back
 * to all three on 2026-04-23 for that reason (as reported in this repository's issue #15).
 */
export const STORAGE_SERVICES: readonly StorageService[] = ['blob', 'queue', 'table'];

const STORAGE_ROLES: Record<StorageService, RoleName> = {
    blob: 'Storage Blob Data Owner',
    queue: 'Storage Queue Data Contributor',
    table: 'Storage Table Data Contributor',
};

export interface RoleScopes {
    storageAccountId: pulumi.Input<string>;
    appInsightsId: pulumi.Input<string>;
    /** With the Durable Task Scheduler: the scheduler, never its resource group or subscription. */
    schedulerId?: pulumi.Input<string>;
}

/** Exactly the roles the app's identity needs for the backend, each on the narrowest scope. */
export function appRoles(
    backend: DurableBackend,
    scopes: RoleScopes,
): { role: RoleName; scope: pulumi.Input<string> }[] {
    const roles: { role: RoleName; scope: pulumi.Input<string> }[] = STORAGE_SERVICES.map((service) => ({
        role: STORAGE_ROLES[service],
        scope: scopes.storageAccountId,
    }));
    roles.push({ role: 'Monitoring Metrics Publisher', scope: scopes.appInsightsId });
    if (backend === 'durableTaskScheduler') {
        if (scopes.schedulerId === undefined) {
            throw new Error('appRoles: the Durable Task Scheduler backend needs the scheduler id');
        }
        roles.push({ role: 'Durable Task Data Contributor', scope: scopes.schedulerId });
    }
    return roles;
}

/** The settings the deployed host.json reads (`%TASKHUB_NAME%`, connectionStringName): keyless, by identity. */
export function schedulerAppSettings(args: {
    endpoint: pulumi.Input<string>;
    taskHubName: pulumi.Input<string>;
    clientId: pulumi.Input<string>;
}): Record<string, pulumi.Input<string>> {
    return {
        [DTS_CONNECTION_SETTING]: pulumi.interpolate`Endpoint=${args.endpoint};Authentication=ManagedIdentity;ClientID=${args.clientId}`,
        [DTS_TASKHUB_SETTING]: args.taskHubName,
    };
}
