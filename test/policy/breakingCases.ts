import { breaking, compliantStack } from './fixtures';
import type { StubResource } from './harness';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BreakingCase {
    policy: string;
    /** The resource the violation must name. */
    resource: string;
    /** A word of the fix the message must give. */
    fix: string;
    stack: () => StubResource[];
}

const edit = (name: string, change: (props: Props) => void) => () => breaking(compliantStack(), name, change);
const settings = (props: Props) => props.siteConfig.appSettings as { name: string; value: string }[];

/** One stack per policy that breaks exactly that invariant. A new policy needs a new entry here. */
export const breakingCases: BreakingCase[] = [
    {
        policy: 'storage-shared-key-access-disabled',
        resource: 'storage',
        fix: 'allowSharedKeyAccess: false',
        stack: edit('storage', (p) => {
            delete p.allowSharedKeyAccess;
        }),
    },
    {
        policy: 'storage-min-tls-1-2',
        resource: 'storage',
        fix: "minimumTlsVersion: 'TLS1_2'",
        stack: edit('storage', (p) => {
            p.minimumTlsVersion = 'TLS1_0';
        }),
    },
    {
        policy: 'storage-https-only',
        resource: 'storage',
        fix: 'enableHttpsTrafficOnly: true',
        stack: edit('storage', (p) => {
            p.enableHttpsTrafficOnly = false;
        }),
    },
    {
        policy: 'storage-no-public-blob-access',
        resource: 'storage',
        fix: 'allowBlobPublicAccess: false',
        stack: edit('storage', (p) => {
            p.allowBlobPublicAccess = true;
        }),
    },
    {
        policy: 'blob-container-private',
        resource: 'deployments',
        fix: "'None'",
        stack: edit('deployments', (p) => {
            p.publicAccess = 'Blob';
        }),
    },
    {
        policy: 'function-app-https-only',
        resource: 'app',
        fix: 'httpsOnly: true',
        stack: edit('app', (p) => {
            p.httpsOnly = false;
        }),
    },
    {
        policy: 'function-app-min-tls-1-2',
        resource: 'app',
        fix: "minTlsVersion: '1.2'",
        stack: edit('app', (p) => {
            p.siteConfig.minTlsVersion = '1.0';
        }),
    },
    {
        policy: 'function-app-managed-identity',
        resource: 'app',
        fix: "type: 'UserAssigned'",
        stack: edit('app', (p) => {
            delete p.identity;
        }),
    },
    {
        // What the azure-native SDK adds to any siteConfig unless the FunctionApp component strips it.
        policy: 'flex-site-config-accepted',
        resource: 'app',
        fix: 'remove siteConfig.netFrameworkVersion',
        stack: edit('app', (p) => {
            p.siteConfig.netFrameworkVersion = 'v4.6';
        }),
    },
    {
        policy: 'flex-app-settings-current',
        resource: 'app',
        fix: 'functionAppConfig',
        stack: edit('app', (p) => {
            settings(p).push({ name: 'FUNCTIONS_WORKER_RUNTIME', value: 'node' });
        }),
    },
    {
        policy: 'flex-scale-and-runtime-accepted',
        resource: 'app',
        fix: 'from 40 to 1000',
        stack: edit('app', (p) => {
            p.functionAppConfig.scaleAndConcurrency.maximumInstanceCount = 10;
        }),
    },
    {
        policy: 'flex-consumption-plan',
        resource: 'plan',
        fix: "name: 'FC1'",
        stack: edit('plan', (p) => {
            p.sku = { name: 'Y1', tier: 'Dynamic' };
        }),
    },
    {
        policy: 'no-credentials-in-inputs',
        resource: 'app',
        fix: 'managed identity',
        stack: edit('app', (p) => {
            settings(p).push({
                name: 'EXTRA_STORAGE',
                value: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc123==;EndpointSuffix=core.windows.net',
            });
        }),
    },
    {
        policy: 'basic-publishing-credentials-disabled',
        resource: 'app',
        fix: 'allow: false',
        stack: edit('app-scm', (p) => {
            p.allow = true;
        }),
    },
    {
        policy: 'function-app-identity-based-storage',
        resource: 'app',
        fix: 'AzureWebJobsStorage__credential=managedidentity',
        stack: edit('app', (p) => {
            p.siteConfig.appSettings = settings(p).filter((s) => s.name !== 'AzureWebJobsStorage__credential');
        }),
    },
    {
        // network: isolated (the app in a subnet) while storage still takes public traffic.
        policy: 'isolated-storage-no-public-access',
        resource: 'storage',
        fix: "publicNetworkAccess: 'Disabled'",
        stack: () =>
            breaking(
                breaking(compliantStack(), 'app', (p) => {
                    p.virtualNetworkSubnetId =
                        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app';
                }),
                'storage',
                (p) => {
                    p.publicNetworkAccess = 'Enabled';
                    p.networkRuleSet = { defaultAction: 'Deny' };
                },
            ),
    },
    {
        policy: 'durable-task-role-scoped-to-scheduler',
        resource: 'dts-role',
        fix: 'scope to the scheduler id',
        stack: () => [
            ...compliantStack(),
            {
                type: 'azure-native:authorization:RoleAssignment',
                name: 'dts-role',
                props: {
                    principalId: '00000000-0000-0000-0000-000000000003',
                    principalType: 'ServicePrincipal',
                    scope: '/subscriptions/s/resourceGroups/rg',
                    roleDefinitionId:
                        '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/0ad04412-c4d5-4796-b79c-f76d14c8d402',
                },
            },
        ],
    },
    {
        // The replay check's Storage Table Data Reader on the whole resource group instead of the storage account.
        policy: 'data-readers-scoped-to-the-app',
        resource: 'replay-check-reader',
        fix: 'scope to the storage account id',
        stack: () => [
            ...compliantStack(),
            {
                type: 'azure-native:authorization:RoleAssignment',
                name: 'replay-check-reader',
                props: {
                    principalId: '00000000-0000-0000-0000-000000000004',
                    principalType: 'ServicePrincipal',
                    scope: '/subscriptions/s/resourceGroups/rg',
                    roleDefinitionId:
                        '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/76199698-9eea-4c19-bc75-cec21354c6b6',
                },
            },
        ],
    },
];
