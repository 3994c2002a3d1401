import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppManifest } from '../../infra/package';
import { manifestPathFor, starterOf } from '../../infra/package/manifest';
import { MOCK_FUNCTION_KEY, runProgram, type ProgramRun } from '../support/pulumiMocks';
import { appSettingsOf, grantsOf, secretBearingStrings } from './assertions';
import {
    expectBasicAuthOffUntilSiteIsGone,
    expectDeployerReadsDeploymentContainer,
    expectExactResources,
    expectSiteSentAsFlexAccepts,
    expectStorageExposure,
} from './combinations';

let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({ location: 'swedencentral' });
});

const INFRA = path.resolve(__dirname, '../../infra');
/** Every TypeScript source under infra/, with its text. */
function infraSources(): [string, string][] {
    return fs
        .readdirSync(INFRA, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => path.join(e.parentPath, e.name))
        .map((file) => [path.relative(INFRA, file), fs.readFileSync(file, 'utf8')]);
}

const storageAccount = () => run.one('azure-native:storage:StorageAccount');
const identity = () => run.one('azure-native:managedidentity:UserAssignedIdentity');
const site = () => run.one('azure-native:web:WebApp');

describe('the default stack (Azure Storage backend, public network)', () => {
    // The root of @pulumi/azure-native loads all of its ~260 service modules; a subpath loads one.
    // Speed itself is measured by `npm run bench`, not asserted here.
    it('imports @pulumi/azure-native only by subpath (e.g. @pulumi/azure-native/web), never its root', () => {
        const sources = infraSources();
        expect(sources.map(([file]) => file)).toEqual(
            expect.arrayContaining(['index.ts', path.join('components', 'functionApp.ts')]),
        );
        const rootImport = /(?:from\s*|require\(\s*|import\(\s*|import\s+)['"]@pulumi\/azure-native['"]/;
        expect(sources.filter(([, text]) => rootImport.test(text)).map(([file]) => file)).toEqual([]);
        expect(sources.filter(([, text]) => text.includes("'@pulumi/azure-native/")).length).toBeGreaterThan(5);
    });

    it('provisions exactly the resources the app needs, every one managed by the stack', () => {
        expectExactResources(run, { backend: 'azureStorage', network: 'public' });
        expectStorageExposure(run, 'public');
    });

    it('puts everything in the configured region, in the stack resource group, tagged', () => {
        const rg = run.one('azure-native:resources:ResourceGroup');
        expect(rg.inputs).toMatchObject({ location: 'swedencentral', tags: { app: 'durable-hello', stack: 'dev' } });
        for (const r of run.custom.filter((c) => c !== rg && c.inputs.location !== undefined)) {
            expect([r.type, r.inputs.resourceGroupName, r.inputs.location, r.inputs.tags]).toEqual([
                r.type,
                rg.state.name,
                'swedencentral',
                rg.inputs.tags,
            ]);
        }
    });

    it('hardens the storage account: Entra ID only, no public blobs, TLS 1.2, https only', () => {
        expect(storageAccount().inputs).toMatchObject({
            kind: 'StorageV2',
            allowSharedKeyAccess: false,
            allowBlobPublicAccess: false,
            minimumTlsVersion: 'TLS1_2',
            enableHttpsTrafficOnly: true,
            defaultToOAuthAuthentication: true,
        });
        expect(run.one('azure-native:storage:BlobContainer').inputs).toEqual({
            resourceGroupName: storageAccount().inputs.resourceGroupName,
            accountName: storageAccount().state.name,
            containerName: 'app-package',
            publicAccess: 'None',
        });
    });

    it('grants the identity exactly the Durable storage roles on the account and metrics publishing on App Insights', () => {
        const principal = { principalId: identity().state.principalId, principalType: 'ServicePrincipal' };
        const appInsights = run.one('azure-native:applicationinsights:Component');
        expect(grantsOf(run)).toEqual(
            expect.arrayContaining([
                { role: 'Storage Blob Data Owner', scope: storageAccount().id, ...principal },
                { role: 'Storage Queue Data Contributor', scope: storageAccount().id, ...principal },
                { role: 'Storage Table Data Contributor', scope: storageAccount().id, ...principal },
                { role: 'Monitoring Metrics Publisher', scope: appInsights.id, ...principal },
            ]),
        );
        expect(grantsOf(run).filter((g) => g.principalId === identity().state.principalId)).toHaveLength(4);
    });

    it('lets the principal running pulumi up read the deployment container only (the package the app runs)', () => {
        expectDeployerReadsDeploymentContainer(run);
        expect(grantsOf(run)).toHaveLength(5);
    });

    it('sends telemetry to workspace-based Application Insights with local auth disabled', () => {
        const workspace = run.one('azure-native:operationalinsights:Workspace');
        expect(run.one('azure-native:applicationinsights:Component').inputs).toMatchObject({
            applicationType: 'web',
            workspaceResourceId: workspace.id,
            disableLocalAuth: true,
        });
    });

    it('runs on a Flex Consumption (FC1) plan', () => {
        expect(run.one('azure-native:web:AppServicePlan').inputs).toMatchObject({
            sku: { name: 'FC1', tier: 'FlexConsumption' },
            reserved: true,
        });
        expect(site().inputs.serverFarmId).toBe(run.one('azure-native:web:AppServicePlan').id);
    });

    it('configures the function app for Flex: Node 22, identity-based deployment container, scale', () => {
        const uami = identity().id;
        expect(site().inputs).toMatchObject({
            kind: 'functionapp,linux',
            httpsOnly: true,
            identity: { type: 'UserAssigned', userAssignedIdentities: [uami] },
            functionAppConfig: {
                runtime: { name: 'node', version: '22' },
                scaleAndConcurrency: { maximumInstanceCount: 100, instanceMemoryMB: 2048 },
                deployment: {
                    storage: {
                        type: 'blobContainer',
                        value: `https://${storageAccount().state.name}.blob.core.windows.net/app-package`,
                        authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: uami },
                    },
                },
            },
            siteConfig: { minTlsVersion: '1.2', scmMinTlsVersion: '1.2' },
        });
        expect(site().inputs.siteConfig.linuxFxVersion).toBeUndefined();
        expect(site().inputs.virtualNetworkSubnetId).toBeUndefined();
    });

    it('turns off basic-auth publishing (FTP and SCM) on the site', () => {
        for (const type of ['azure-native:web:WebAppFtpAllowed', 'azure-native:web:WebAppScmAllowed']) {
            expect(run.one(type).inputs).toEqual({
                resourceGroupName: site().inputs.resourceGroupName,
                name: site().state.name,
                allow: false,
            });
        }
    });

    it('sets identity-based app settings, the worker indexing flag and the AAD App Insights connection', () => {
        const clientId = identity().state.clientId;
        const settings = appSettingsOf(run);
        expect(settings).toEqual({
            AzureWebJobsStorage__accountName: storageAccount().state.name,
            AzureWebJobsStorage__credential: 'managedidentity',
            AzureWebJobsStorage__clientId: clientId,
            AzureWebJobsFeatureFlags: 'EnableWorkerIndexing',
            APPLICATIONINSIGHTS_CONNECTION_STRING: run.one('azure-native:applicationinsights:Component').state
                .connectionString,
            APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
            HTTP_START_AUTH_LEVEL: 'function',
        });
        for (const deprecatedOnFlex of [
            'FUNCTIONS_WORKER_RUNTIME',
            'FUNCTIONS_EXTENSION_VERSION',
            'WEBSITE_RUN_FROM_PACKAGE',
            'AzureWebJobsStorage',
        ]) {
            expect(settings).not.toHaveProperty(deprecatedOnFlex);
        }
    });

    it('has no account key, SAS or secret-bearing connection string anywhere in its inputs', () => {
        expect(secretBearingStrings(run)).toEqual([]);
        expect(run.calls.map((c) => c.token)).not.toContain('azure-native:storage:listStorageAccountKeys');
    });

    it("exports the names, the host name, the API base URL, the starter's route from the manifest and its function key, as a secret", () => {
        const host = `${site().state.name}.azurewebsites.net`;
        const packagePath = run.one('pulumi-nodejs:dynamic/durable-hello:OneDeploy').inputs.packagePath as string;
        const starter = starterOf(JSON.parse(fs.readFileSync(manifestPathFor(packagePath), 'utf8')) as AppManifest)!;
        expect(run.outputs).toEqual({
            resourceGroupName: run.one('azure-native:resources:ResourceGroup').state.name,
            functionAppName: site().state.name,
            functionAppId: site().id,
            defaultHostName: host,
            appInsightsName: run.one('azure-native:applicationinsights:Component').state.name,
            apiBaseUrl: `https://${host}/api`,
            starterRouteTemplate: starter.route,
            starterKey: MOCK_FUNCTION_KEY,
        });
        expect([...run.secretOutputs]).toEqual(['starterKey']);
        // The starter's own key (it opens only the starter), never a host or master key.
        expect(run.calls.map((c) => c.token)).not.toContain('azure-native:web:listWebAppHostKeys');
        const keysCall = run.calls.find((c) => c.token === 'azure-native:web:listWebAppFunctionKeys');
        expect(keysCall?.inputs).toEqual({
            name: site().state.name,
            resourceGroupName: site().inputs.resourceGroupName,
            functionName: starter.name,
        });
    });
    it('sends the site only what Flex accepts (after SDK defaults) and keeps basic auth off until the site is gone', () => {
        expectSiteSentAsFlexAccepts(run);
        expectBasicAuthOffUntilSiteIsGone(run);
    });
});
