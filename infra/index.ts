import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as resources from '@pulumi/azure-native/resources';
import * as authorization from '@pulumi/azure-native/authorization';
import { AppIdentity } from './components/identity';
import { FunctionApp } from './components/functionApp';
import { Monitoring } from './components/monitoring';
import { AppNetwork } from './components/network';
import { DurableTaskScheduler } from './components/scheduler';
import { AppStorage } from './components/storage';
import { ConfigError, readConfig, type StackConfig } from './config';
import { appRoles, schedulerAppSettings, STORAGE_SERVICES } from './durableBackend';
import { starterOutputs } from './starter';
import { replayCheckRoles } from './replayCheckRoles';
import { ReplayCheckAccess } from './components/replayCheckAccess';
import { AppDeployment, scmHostFor } from './deployment/appDeployment';
import { aliasPreviousNames } from './previousNames';

function loadConfig(): StackConfig {
    try {
        return readConfig(new pulumi.Config(), pulumi.getStack());
    } catch (err) {
        // RunError: Pulumi prints the message alone, without a stack trace.
        throw err instanceof ConfigError ? new pulumi.RunError(err.message) : err;
    }
}

const config = loadConfig();

const resourceGroup = new resources.ResourceGroup('rg-durable-hello', { location: config.location, tags: config.tags });
const placement = { resourceGroupName: resourceGroup.name, location: resourceGroup.location, tags: config.tags };
// Stacks created before component children took their component's name keep their resources (infra/previousNames.ts).
const renamed = { transformations: [aliasPreviousNames] };

// Production options (docs/production-options.md): network isolation and the Durable Task Scheduler.
const network =
    config.addressRanges && new AppNetwork('network', { ...placement, addressRanges: config.addressRanges }, renamed);
// The principal that runs `pulumi up` reads the package the app runs when Kudu lost the record (docs/deploy.md):
// the one the config names (CI's), else whoever runs the program. azure-native signs a service principal or managed
// identity in only with a client id (config azure-native:clientId or ARM_CLIENT_ID), and a user only through the Azure
// CLI, which it does not use for service principal logins (pulumi/registry
// themes/default/content/registry/packages/azure-native/installation-configuration.md).
const providerClientId = new pulumi.Config('azure-native').get('clientId') ?? process.env.ARM_CLIENT_ID;
const deployer = config.deployer
    ? { principalId: config.deployer.id, principalType: config.deployer.type }
    : {
          principalId: authorization.getClientConfigOutput().objectId,
          principalType: providerClientId ? ('ServicePrincipal' as const) : ('User' as const),
      };
const storage = new AppStorage(
    'storage',
    {
        ...placement,
        deployer,
        privateAccess: network && {
            subnetId: network.privateEndpointSubnetId,
            virtualNetworkId: network.virtualNetworkId,
            services: [...STORAGE_SERVICES],
        },
    },
    renamed,
);
const monitoring = new Monitoring('monitoring', placement, renamed);
const scheduler =
    config.scheduler && new DurableTaskScheduler('scheduler', { ...placement, ...config.scheduler }, renamed);
const identity = new AppIdentity(
    'identity',
    {
        ...placement,
        roles: appRoles(config.durableBackend, {
            storageAccountId: storage.accountId,
            appInsightsId: monitoring.appInsightsId,
            schedulerId: scheduler?.id,
        }),
    },
    renamed,
);
// The replay check before deploys (npm run replay-check, docs/changing-a-running-workflow.md): read-only data roles.
if (config.replayCheckPrincipal) {
    new ReplayCheckAccess('replay-check', {
        principal: config.replayCheckPrincipal,
        roles: replayCheckRoles(config.durableBackend, {
            storageAccountId: storage.accountId,
            schedulerId: scheduler?.id,
        }),
    });
}
const app = new FunctionApp(
    'app',
    {
        ...placement,
        identity,
        storageAccountName: storage.accountName,
        deploymentContainerUrl: storage.deploymentContainerUrl,
        appInsightsConnectionString: monitoring.connectionString,
        nodeVersion: config.nodeVersion,
        maximumInstanceCount: config.maximumInstanceCount,
        instanceMemoryMB: config.instanceMemoryMB,
        starterAuthLevel: config.starterAuthLevel,
        extraAppSettings:
            scheduler &&
            schedulerAppSettings({
                endpoint: scheduler.endpoint,
                taskHubName: scheduler.taskHubName,
                clientId: identity.clientId,
            }),
        virtualNetworkSubnetId: network?.appSubnetId,
        // The subnet release runs on destroy after the site is gone and before the network goes.
        dependsOn: [
            ...identity.roleAssignments,
            ...storage.privateAccessReady,
            ...(network ? [network.appSubnetRelease] : []),
        ],
    },
    renamed,
);

// The code, packaged for the backend (it decides the deployed host.json) and the Node version.
const code = new AppDeployment(
    'app-code',
    {
        appName: app.name,
        scmHost: app.defaultHostName.apply(scmHostFor),
        deploymentContainerUrl: app.deploymentContainerUrl,
        siteId: app.id,
        appDir: path.join(__dirname, '..', 'app'),
        durableBackend: config.durableBackend,
        nodeVersion: config.nodeVersion,
        // The app setting the app reads while it registers its functions (FunctionApp sets it): the manifest shows the
        // starter's auth level.
        appSettings: { HTTP_START_AUTH_LEVEL: config.starterAuthLevel },
    },
    { dependsOn: [...app.deploymentDependencies, ...storage.deployerAccess] },
);

export const resourceGroupName = resourceGroup.name;
export const functionAppName = app.name;
/** The app's ARM id (its subscription, for `npm run dashboard`). */
export const functionAppId = app.id;
export const defaultHostName = app.defaultHostName;
export const appInsightsName = monitoring.appInsightsName;
/** Durable Task Scheduler only (absent otherwise). */
export const schedulerEndpoint = scheduler?.endpoint;
export const schedulerDashboardUrl = scheduler?.dashboardUrl;
// How to reach the app's starter, from the package's manifest (docs/deploy.md, "Outputs"). Read after the
// deployment: the host creates its keys when the deployed code first starts.
const starter = starterOutputs({
    manifest: code.manifest,
    appName: app.name,
    resourceGroupName: app.resourceGroupName,
    defaultHostName: app.defaultHostName,
    deployed: code.deploymentId,
});
/** `https://<host>/api`: the base of every HTTP function's route. */
export const apiBaseUrl = code.after(starter.apiBaseUrl);
/** The starter's route template, e.g. `orchestrators/{functionName}`. */
export const starterRouteTemplate = starter.starterRouteTemplate;
/** The starter's own function key ('' when it is anonymous); a secret. */
export const starterKey = code.after(starter.starterKey);
