import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as resources from '@pulumi/azure-native/resources';
import { AppIdentity } from './components/identity';
import { FunctionApp } from './components/functionApp';
import { Monitoring } from './components/monitoring';
import { AppStorage } from './components/storage';
import { ConfigError, readConfig, type StackConfig } from './config';
import { starterUrl as buildStarterUrl } from './starterUrl';
import { AppDeployment, scmHostFor } from './deployment/appDeployment';
import { buildPackage } from '../tools/package';

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

const storage = new AppStorage('storage', placement);
const monitoring = new Monitoring('monitoring', placement);
const identity = new AppIdentity('identity', {
    ...placement,
    roles: [
        // Durable's Azure Storage backend: blobs (leases, large messages, host state, the package), queues, tables.
        { role: 'Storage Blob Data Owner', scope: storage.accountId },
        { role: 'Storage Queue Data Contributor', scope: storage.accountId },
        { role: 'Storage Table Data Contributor', scope: storage.accountId },
        { role: 'Monitoring Metrics Publisher', scope: monitoring.appInsightsId },
    ],
});
const app = new FunctionApp('app', {
    ...placement,
    identity,
    storageAccountName: storage.accountName,
    deploymentContainerUrl: storage.deploymentContainerUrl,
    appInsightsConnectionString: monitoring.connectionString,
    nodeVersion: config.nodeVersion,
    maximumInstanceCount: config.maximumInstanceCount,
    instanceMemoryMB: config.instanceMemoryMB,
    starterAuthLevel: config.starterAuthLevel,
    dependsOn: identity.roleAssignments,
});

// The code: built on every run (about 0.2 s) into a byte-reproducible zip whose sha256 keys the
// deployment, so new code always deploys and unchanged code deploys nothing.
const appPackage = buildPackage({ appDir: path.join(__dirname, '..', 'app'), outFile: path.join(__dirname, '..', 'dist', 'app.zip') });
const code = new AppDeployment(
    'app-code',
    {
        appName: app.name,
        scmHost: app.defaultHostName.apply(scmHostFor),
        packagePath: appPackage.path,
        packageSha256: appPackage.sha256,
    },
    { dependsOn: app.deploymentDependencies },
);

// What must exist before the starter URL is read: host keys exist once the deployed host runs.
const readyForTraffic: pulumi.Input<pulumi.Resource>[] = [...app.deploymentDependencies, code];

export const resourceGroupName = resourceGroup.name;
export const functionAppName = app.name;
export const defaultHostName = app.defaultHostName;
export const appInsightsName = monitoring.appInsightsName;
export const starterUrl = code.after(
    buildStarterUrl({
        appName: app.name,
        resourceGroupName: app.resourceGroupName,
        defaultHostName: app.defaultHostName,
        authLevel: config.starterAuthLevel,
        dependsOn: readyForTraffic,
    }),
);
