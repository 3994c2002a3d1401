import { runProgram, type ProgramRun } from '../support/pulumiMocks';
import { appSettingsOf, grantsOf } from './assertions';
import {
    deployedHostJsonOf,
    expectBasicAuthOffUntilSiteIsGone,
    expectDeployerReadsDeploymentContainer,
    expectExactResources,
    expectSiteSentAsFlexAccepts,
    expectStorageExposure,
    packagedHostJson,
    policyViolations,
} from './combinations';

let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({ location: 'eastus2', durableBackend: 'durableTaskScheduler', network: 'isolated' });
});

describe('durableBackend: durableTaskScheduler, network: isolated', () => {
    it('needs private endpoints for blob, queue and table (the host uses all three), and a Consumption scheduler by default', () => {
        expectExactResources(run, { backend: 'durableTaskScheduler', network: 'isolated' });
        expect(
            run
                .ofType('azure-native:privatedns:PrivateZone')
                .map((z) => z.inputs.privateZoneName)
                .sort(),
        ).toEqual(['blob', 'queue', 'table'].map((s) => `privatelink.${s}.core.windows.net`));
        expect(
            run
                .ofType('azure-native:network:PrivateEndpoint')
                .flatMap((e) => e.inputs.privateLinkServiceConnections[0].groupIds)
                .sort(),
        ).toEqual(['blob', 'queue', 'table']);
        expect(run.one('azure-native:durabletask:Scheduler').inputs.properties.sku).toEqual({ name: 'Consumption' });
    });

    it('uses the default address ranges', () => {
        const vnet = run.one('azure-native:network:VirtualNetwork').inputs;
        expect(vnet.addressSpace.addressPrefixes).toEqual(['10.20.0.0/16']);
        expect(vnet.subnets.map((s: { addressPrefix: string }) => s.addressPrefix)).toEqual([
            '10.20.1.0/24',
            '10.20.2.0/24',
        ]);
    });

    it('combines both options: private storage, the app in the VNet, scheduler roles and settings', () => {
        expectStorageExposure(run, 'isolated');
        expect(run.one('azure-native:web:WebApp').inputs.virtualNetworkSubnetId).toMatch(/\/subnets\/app$/);
        const scheduler = run.one('azure-native:durabletask:Scheduler');
        expect(grantsOf(run).map((g) => [g.role, g.scope === scheduler.id])).toEqual(
            expect.arrayContaining([
                ['Durable Task Data Contributor', true],
                ['Storage Blob Data Owner', false],
            ]),
        );
        expect(grantsOf(run)).toHaveLength(6);
        expectDeployerReadsDeploymentContainer(run);
        expect(appSettingsOf(run).TASKHUB_NAME).toBe('durable-hello');
        expect(deployedHostJsonOf(run)).toEqual(packagedHostJson('durableTaskScheduler'));
    });

    it('passes the security policy pack (incl. isolated storage and scheduler-scoped DTS roles)', async () => {
        expect(await policyViolations(run)).toEqual([]);
    });
    it('sends the site only what Flex accepts (after SDK defaults) and keeps basic auth off until the site is gone', () => {
        expectSiteSentAsFlexAccepts(run);
        expectBasicAuthOffUntilSiteIsGone(run);
    });
});
