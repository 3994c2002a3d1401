import type { StubResource } from './harness';

const plan = 'azure-native:web:AppServicePlan';

/** A compliant stack shaped like the program's (Flex plan, keyless storage, identity-based app). */
export function compliantStack(): StubResource[] {
    return [
        {
            type: 'azure-native:storage:StorageAccount',
            name: 'storage',
            props: {
                allowSharedKeyAccess: false,
                allowBlobPublicAccess: false,
                minimumTlsVersion: 'TLS1_2',
                enableHttpsTrafficOnly: true,
                kind: 'StorageV2',
            },
        },
        {
            type: 'azure-native:storage:BlobContainer',
            name: 'deployments',
            props: { containerName: 'app-package', publicAccess: 'None' },
        },
        {
            // The deploying principal reads the package the app runs: Storage Blob Data Reader on the deployment
            // container only.
            type: 'azure-native:authorization:RoleAssignment',
            name: 'deployer-read',
            props: {
                principalId: '00000000-0000-0000-0000-000000000004',
                principalType: 'ServicePrincipal',
                scope: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st/blobServices/default/containers/app-package',
                roleDefinitionId:
                    '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
            },
        },
        {
            type: plan,
            name: 'plan',
            props: { kind: 'functionapp', reserved: true, sku: { name: 'FC1', tier: 'FlexConsumption' } },
        },
        {
            type: 'azure-native:web:WebApp',
            name: 'app',
            props: {
                name: 'func-hello-1234',
                kind: 'functionapp,linux',
                httpsOnly: true,
                identity: {
                    type: 'UserAssigned',
                    userAssignedIdentities: [
                        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id',
                    ],
                },
                siteConfig: {
                    minTlsVersion: '1.2',
                    appSettings: [
                        { name: 'AzureWebJobsStorage__accountName', value: 'sthello1234' },
                        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' },
                        { name: 'AzureWebJobsStorage__clientId', value: '00000000-0000-0000-0000-000000000001' },
                        {
                            name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
                            value: 'InstrumentationKey=00000000-0000-0000-0000-000000000002;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
                        },
                        {
                            name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
                            value: 'ClientId=00000000-0000-0000-0000-000000000001;Authorization=AAD',
                        },
                    ],
                },
                functionAppConfig: {
                    deployment: {
                        storage: {
                            type: 'blobContainer',
                            value: 'https://sthello1234.blob.core.windows.net/app-package',
                            authentication: {
                                type: 'UserAssignedIdentity',
                                userAssignedIdentityResourceId: '/subscriptions/s/id',
                            },
                        },
                    },
                    runtime: { name: 'node', version: '22' },
                    scaleAndConcurrency: { maximumInstanceCount: 100, instanceMemoryMB: 2048 },
                },
            },
        },
        {
            type: 'azure-native:web:WebAppFtpAllowed',
            name: 'app-ftp',
            props: { name: 'func-hello-1234', allow: false },
            dependsOn: ['app'],
        },
        {
            type: 'azure-native:web:WebAppScmAllowed',
            name: 'app-scm',
            props: { name: 'func-hello-1234', allow: false },
            dependsOn: ['app'],
        },
    ];
}

/** Returns a copy of `stack` with `edit` applied to the resource named `name`. */
export function breaking(
    stack: StubResource[],
    name: string,
    edit: (props: Record<string, unknown>) => void,
): StubResource[] {
    return stack.map((r) => {
        if (r.name !== name) return r;
        const props = structuredClone(r.props);
        edit(props);
        return { ...r, props };
    });
}
