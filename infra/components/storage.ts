import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import { assignRoles, type PrincipalType } from '../roles';
import { childName, storageAccountLogicalName } from './naming';
import { componentType, type Placement } from './placement';
import { privateEndpoints, type PrivateStorageAccess } from './privateStorage';

export const DEPLOYMENT_CONTAINER = 'app-package';

export interface StorageArgs extends Placement {
    /** Isolated network: no public endpoint; the app reaches storage through private endpoints. */
    privateAccess?: PrivateStorageAccess;
    /**
     * The principal that runs `pulumi up`: it gets Storage Blob Data Reader on the deployment container only, so
     * the deploy client can prove which package the app runs when Kudu lost the record
     * (infra/deployment/packageCheck.ts).
     */
    deployer?: { principalId: pulumi.Input<string>; principalType: PrincipalType };
}

/**
 * The app's storage account, keyless: Entra ID only (no shared key, so no account key or SAS works),
 * no anonymous blob access, TLS 1.2, https only. Holds the host's state, Durable's queues and tables and,
 * in a private container, the deployment package Flex Consumption runs from.
 */
export class AppStorage extends pulumi.ComponentResource {
    readonly accountName: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
    /** `https://<account>.blob.core.windows.net/app-package`: the Flex deployment source. */
    readonly deploymentContainerUrl: pulumi.Output<string>;
    readonly deploymentContainerName: pulumi.Output<string>;
    /** Private endpoints and DNS (isolated network): the app must not start before they exist. */
    readonly privateAccessReady: pulumi.Resource[];
    /**
     * The deployer's read on the deployment container: the code deployment, which may read the package, waits for it.
     */
    readonly deployerAccess: pulumi.Resource[];

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType('Storage'), name, {}, opts);
        const account = new storage.StorageAccount(
            storageAccountLogicalName(name),
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                kind: storage.Kind.StorageV2,
                sku: { name: storage.SkuName.Standard_LRS },
                accessTier: storage.AccessTier.Hot,
                allowSharedKeyAccess: false,
                defaultToOAuthAuthentication: true,
                allowBlobPublicAccess: false,
                allowCrossTenantReplication: false,
                minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
                enableHttpsTrafficOnly: true,
                ...(args.privateAccess
                    ? {
                          publicNetworkAccess: storage.PublicNetworkAccess.Disabled,
                          networkRuleSet: { defaultAction: storage.DefaultAction.Deny, bypass: storage.Bypass.None },
                      }
                    : {
                          publicNetworkAccess: storage.PublicNetworkAccess.Enabled,
                          networkRuleSet: {
                              defaultAction: storage.DefaultAction.Allow,
                              bypass: storage.Bypass.AzureServices,
                          },
                      }),
            },
            { parent: this },
        );
        const container = new storage.BlobContainer(
            childName(name, 'deployment'),
            {
                resourceGroupName: args.resourceGroupName,
                accountName: account.name,
                containerName: DEPLOYMENT_CONTAINER,
                publicAccess: storage.PublicAccess.None,
            },
            { parent: this },
        );
        this.deployerAccess = args.deployer
            ? assignRoles(
                  childName(name, 'deployer'),
                  [{ role: 'Storage Blob Data Reader', scope: container.id, ...args.deployer }],
                  this,
              )
            : [];
        this.privateAccessReady = args.privateAccess
            ? privateEndpoints(name, args, account.id, args.privateAccess, this)
            : [];
        this.accountName = account.name;
        this.accountId = account.id;
        this.deploymentContainerName = container.name;
        this.deploymentContainerUrl = pulumi.interpolate`${account.primaryEndpoints.blob}${container.name}`;
        this.registerOutputs({ accountName: this.accountName, deploymentContainerUrl: this.deploymentContainerUrl });
    }
}
