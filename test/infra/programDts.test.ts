import { runProgram, type ProgramRun } from '../support/pulumiMocks';
import { DTS_CONNECTION_SETTING, DTS_TASKHUB_SETTING, DTS_EXTENSION_BUNDLE_RANGE } from '../../infra/package/hostJson';
import { DURABLE_TASK_DATA_CONTRIBUTOR } from '../../infra/policy/productionOptions';
import { ROLES } from '../../infra/roles';
import { appSettingsOf, grantsOf, secretBearingStrings } from './assertions';
import {
    deployedHostJsonOf,
    expectBasicAuthOffUntilSiteIsGone,
    expectDeployerReadsDeploymentContainer,
    expectExactResources,
    expectSiteSentAsFlexAccepts,
    expectStorageExposure,
    ONE_DEPLOY,
    packagedHostJson,
    packageSha256,
    policyViolations,
} from './combinations';

const DASHBOARD_GROUP = '0f0e0d0c-0b0a-4909-8807-060504030201';
let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({
        location: 'northeurope',
        durableBackend: 'durableTaskScheduler',
        dtsSku: 'Dedicated',
        dtsCapacity: '2',
        dashboardPrincipalId: DASHBOARD_GROUP,
        dashboardPrincipalType: 'Group',
    });
});

const scheduler = () => run.one('azure-native:durabletask:Scheduler');

describe('durableBackend: durableTaskScheduler, network: public', () => {
    it('adds a scheduler and a task hub, and one role assignment for the dashboard group', () => {
        expectExactResources(run, { backend: 'durableTaskScheduler', network: 'public', extraRoleAssignments: 1 });
        expect(scheduler().inputs).toMatchObject({
            location: 'northeurope',
            properties: { sku: { name: 'Dedicated', capacity: 2 } },
        });
        expect(run.one('azure-native:durabletask:TaskHub').inputs).toMatchObject({
            schedulerName: scheduler().state.name,
            taskHubName: 'durable-hello',
        });
        expectStorageExposure(run, 'public');
    });

    it('keeps blob, queue and table roles for the host and grants Durable Task Data Contributor on the scheduler only', () => {
        const identity = run.one('azure-native:managedidentity:UserAssignedIdentity').state.principalId;
        const account = run.one('azure-native:storage:StorageAccount').id;
        const appInsights = run.one('azure-native:applicationinsights:Component').id;
        expect(grantsOf(run)).toEqual(
            expect.arrayContaining([
                {
                    role: 'Storage Blob Data Owner',
                    scope: account,
                    principalId: identity,
                    principalType: 'ServicePrincipal',
                },
                {
                    role: 'Storage Queue Data Contributor',
                    scope: account,
                    principalId: identity,
                    principalType: 'ServicePrincipal',
                },
                {
                    role: 'Storage Table Data Contributor',
                    scope: account,
                    principalId: identity,
                    principalType: 'ServicePrincipal',
                },
                {
                    role: 'Monitoring Metrics Publisher',
                    scope: appInsights,
                    principalId: identity,
                    principalType: 'ServicePrincipal',
                },
                {
                    role: 'Durable Task Data Contributor',
                    scope: scheduler().id,
                    principalId: identity,
                    principalType: 'ServicePrincipal',
                },
                {
                    role: 'Durable Task Data Contributor',
                    scope: scheduler().id,
                    principalId: DASHBOARD_GROUP,
                    principalType: 'Group',
                },
            ]),
        );
        expect(grantsOf(run)).toHaveLength(7);
    });

    it('lets the principal running pulumi up read the deployment container only', () => {
        expectDeployerReadsDeploymentContainer(run);
    });

    it('connects the host to the scheduler by identity, with the settings the packaged host.json names', () => {
        const settings = appSettingsOf(run);
        const clientId = run.one('azure-native:managedidentity:UserAssignedIdentity').state.clientId;
        expect(settings[DTS_CONNECTION_SETTING]).toBe(
            `Endpoint=${scheduler().state.properties.endpoint};Authentication=ManagedIdentity;ClientID=${clientId}`,
        );
        expect(settings[DTS_TASKHUB_SETTING]).toBe('durable-hello');
        expect(settings.AzureWebJobsStorage__accountName).toBe(
            run.one('azure-native:storage:StorageAccount').state.name,
        );
        expect(secretBearingStrings(run)).toEqual([]);

        const host = packagedHostJson('durableTaskScheduler');
        expect(deployedHostJsonOf(run)).toEqual(host);
        expect(host.extensionBundle.version).toBe(DTS_EXTENSION_BUNDLE_RANGE);
        expect(host.extensions.durableTask).toEqual({
            hubName: `%${DTS_TASKHUB_SETTING}%`,
            storageProvider: { type: 'azureManaged', connectionStringName: DTS_CONNECTION_SETTING },
        });
    });

    it('deploys a package whose hash is stable per backend and changes with it (one redeploy on a switch)', () => {
        const deployed = run.one(ONE_DEPLOY).inputs.packageSha256;
        expect(packageSha256('durableTaskScheduler')).toBe(deployed);
        expect(packageSha256('azureStorage')).not.toBe(deployed);
    });

    it('exports the scheduler endpoint and the dashboard URL', () => {
        const endpoint = scheduler().state.properties.endpoint;
        expect(run.outputs.schedulerEndpoint).toBe(endpoint);
        expect(run.outputs.schedulerDashboardUrl).toBe(
            `https://dashboard.durabletask.io/?endpoint=${encodeURIComponent(endpoint)}&taskhub=durable-hello`,
        );
    });

    it('passes the security policy pack (incl. isolated storage and scheduler-scoped DTS roles)', async () => {
        expect(await policyViolations(run)).toEqual([]);
        expect(DURABLE_TASK_DATA_CONTRIBUTOR).toBe(ROLES['Durable Task Data Contributor']);
    });
    it('sends the site only what Flex accepts (after SDK defaults) and keeps basic auth off until the site is gone', () => {
        expectSiteSentAsFlexAccepts(run);
        expectBasicAuthOffUntilSiteIsGone(run);
    });
});
