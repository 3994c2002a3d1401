import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web';
import type { InstanceMemoryMB, NodeVersion, StarterAuthLevel } from '../config';
import { SENT_SITE_CONFIG_KEYS } from '../flexRules';
import { TeardownStep } from '../teardown/provider';
import { childName } from './naming';
import { componentType, type Placement } from './placement';

export interface FunctionAppArgs extends Placement {
    identity: { id: pulumi.Input<string>; clientId: pulumi.Input<string> };
    storageAccountName: pulumi.Input<string>;
    deploymentContainerUrl: pulumi.Input<string>;
    appInsightsConnectionString: pulumi.Input<string>;
    nodeVersion: NodeVersion;
    maximumInstanceCount: number;
    instanceMemoryMB: InstanceMemoryMB;
    starterAuthLevel: StarterAuthLevel;
    /** Settings a backend or option adds (e.g. Durable Task Scheduler); merged last. */
    extraAppSettings?: Record<string, pulumi.Input<string>>;
    /** Flex VNet integration: a subnet delegated to Microsoft.App/environments. */
    virtualNetworkSubnetId?: pulumi.Input<string>;
    /** The app must not start before its identity can reach storage (role assignments). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Every app setting, in one place: the site's `siteConfig.appSettings` is the whole set (a separate
 * WebAppApplicationSettings would replace it). No connection string carries a secret: storage and
 * Application Insights are reached with the user-assigned identity.
 */
export function appSettings(args: FunctionAppArgs): Record<string, pulumi.Input<string>> {
    return {
        AzureWebJobsStorage__accountName: args.storageAccountName,
        AzureWebJobsStorage__credential: 'managedidentity',
        AzureWebJobsStorage__clientId: args.identity.clientId,
        AzureWebJobsFeatureFlags: 'EnableWorkerIndexing',
        APPLICATIONINSIGHTS_CONNECTION_STRING: args.appInsightsConnectionString,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: pulumi.interpolate`ClientId=${args.identity.clientId};Authorization=AAD`,
        HTTP_START_AUTH_LEVEL: args.starterAuthLevel,
        ...args.extraAppSettings,
    };
}

/**
 * Sends only the siteConfig keys this program sets. The azure-native SDK fills defaults into any `siteConfig`
 * (types/input.js siteConfigArgsProvideDefaults: netFrameworkVersion "v4.6", localMySqlEnabled, http20Enabled),
 * and Flex answers BadRequest 51021 to netFrameworkVersion (pulumi/pulumi-azure-native#4168). A resource
 * transformation runs after the SDK built the inputs and before they are sent, so it sees (and drops) them.
 */
export const onlySentSiteConfig: pulumi.ResourceTransformation = ({ props, opts }) => {
    if (props.siteConfig === undefined) return undefined;
    const keep = new Set<string>(SENT_SITE_CONFIG_KEYS);
    const siteConfig = pulumi
        .output(props.siteConfig)
        .apply(
            (value: Record<string, unknown> | undefined) =>
                value && Object.fromEntries(Object.entries(value).filter(([key]) => keep.has(key))),
        );
    return { props: { ...props, siteConfig }, opts };
};

/**
 * Flex Consumption plan (FC1) and the Linux function app. Flex takes runtime, scale and the deployment
 * source from `functionAppConfig` (no linuxFxVersion, WEBSITE_RUN_FROM_PACKAGE or FUNCTIONS_* settings).
 * Basic-auth publishing (FTP and SCM) is off: deployments use Entra tokens (One Deploy).
 */
export class FunctionApp extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly id: pulumi.Output<string>;
    readonly resourceGroupName: pulumi.Output<string>;
    readonly defaultHostName: pulumi.Output<string>;
    /** The container the app runs its package from (functionAppConfig.deployment.storage.value). */
    readonly deploymentContainerUrl: pulumi.Output<string>;
    /** What a code deployment must wait for: the site, its publishing policies, and the caller's dependsOn. */
    readonly deploymentDependencies: pulumi.Input<pulumi.Resource>[];

    constructor(name: string, args: FunctionAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType('FunctionApp'), name, {}, opts);
        const plan = new web.AppServicePlan(
            childName(name, 'plan'),
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                kind: 'functionapp',
                reserved: true,
                sku: { name: 'FC1', tier: 'FlexConsumption' },
            },
            { parent: this },
        );
        const settings = appSettings(args);
        const site = new web.WebApp(
            childName(name, 'func'),
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                kind: 'functionapp,linux',
                serverFarmId: plan.id,
                httpsOnly: true,
                identity: {
                    type: web.ManagedServiceIdentityType.UserAssigned,
                    userAssignedIdentities: [args.identity.id],
                },
                virtualNetworkSubnetId: args.virtualNetworkSubnetId,
                functionAppConfig: {
                    runtime: { name: web.RuntimeName.Node, version: args.nodeVersion },
                    scaleAndConcurrency: {
                        maximumInstanceCount: args.maximumInstanceCount,
                        instanceMemoryMB: args.instanceMemoryMB,
                    },
                    deployment: {
                        storage: {
                            type: web.FunctionsDeploymentStorageType.BlobContainer,
                            value: args.deploymentContainerUrl,
                            authentication: {
                                type: web.AuthenticationType.UserAssignedIdentity,
                                userAssignedIdentityResourceId: args.identity.id,
                            },
                        },
                    },
                },
                siteConfig: {
                    minTlsVersion: web.SupportedTlsVersions.SupportedTlsVersions_1_2,
                    scmMinTlsVersion: web.SupportedTlsVersions.SupportedTlsVersions_1_2,
                    appSettings: Object.entries(settings).map(([settingName, value]) => ({ name: settingName, value })),
                },
            },
            { parent: this, dependsOn: args.dependsOn, transformations: [onlySentSiteConfig] },
        );
        // Sequential: two concurrent updates of one site fail with 409 AnotherOperationInProgress.
        // Deleting these policies would PUT allow: true (pulumi/pulumi-azure-native#2537), turning basic auth
        // back on for as long as the site lives: they are never deleted on their own and go with the site.
        const basicAuthOff = { parent: this, retainOnDelete: true, deletedWith: site };
        const ftp = new web.WebAppFtpAllowed(
            childName(name, 'ftp-basic-auth-off'),
            { resourceGroupName: args.resourceGroupName, name: site.name, allow: false },
            basicAuthOff,
        );
        const scm = new web.WebAppScmAllowed(
            childName(name, 'scm-basic-auth-off'),
            { resourceGroupName: args.resourceGroupName, name: site.name, allow: false },
            { ...basicAuthOff, dependsOn: [ftp] },
        );
        if (args.virtualNetworkSubnetId !== undefined) {
            // Takes the site's id, so on destroy it runs before the site is deleted (infra/teardown/releaseSubnet.ts).
            new TeardownStep(
                childName(name, 'vnet-integration-off'),
                { step: 'disconnectVnetIntegration', resourceId: site.id },
                { parent: this },
            );
        }
        this.name = site.name;
        this.id = site.id;
        this.resourceGroupName = pulumi.output(args.resourceGroupName);
        this.defaultHostName = site.defaultHostName;
        this.deploymentContainerUrl = pulumi.output(args.deploymentContainerUrl);
        this.deploymentDependencies = [site, ftp, scm, ...(args.dependsOn ?? [])];
        this.registerOutputs({ name: this.name, defaultHostName: this.defaultHostName });
    }
}
