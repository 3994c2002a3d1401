import * as fs from 'node:fs';
import * as path from 'node:path';
import { MOCK_DEPLOYER_OBJECT_ID, runProgram, type ProgramRun } from '../support/pulumiMocks';
import { grantsOf, appSettingsOf } from './assertions';
import {
    TEARDOWN_STEP,
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
    run = await runProgram({
        location: 'swedencentral',
        network: 'isolated',
        vnetAddressSpace: '10.50.0.0/16',
        appSubnetPrefix: '10.50.4.0/24',
        privateEndpointSubnetPrefix: '10.50.5.0/27',
        // Signed in as a service principal (as CI is), without deployerPrincipalId.
        'azure-native:clientId': '11111111-aaaa-4bbb-8ccc-222222222222',
    });
});

const vnet = () => run.one('azure-native:network:VirtualNetwork');

describe('durableBackend: azureStorage, network: isolated', () => {
    it('adds the network, and a private endpoint and linked DNS zone for blob, queue and table', () => {
        expectExactResources(run, { backend: 'azureStorage', network: 'isolated' });
        expect(
            run
                .ofType('azure-native:privatedns:PrivateZone')
                .map((z) => z.inputs.privateZoneName)
                .sort(),
        ).toEqual([
            'privatelink.blob.core.windows.net',
            'privatelink.queue.core.windows.net',
            'privatelink.table.core.windows.net',
        ]);
        expect(
            run
                .ofType('azure-native:network:PrivateEndpoint')
                .map((p) => p.inputs.privateLinkServiceConnections[0].groupIds[0])
                .sort(),
        ).toEqual(['blob', 'queue', 'table']);
    });

    it('builds the network from the configured ranges, the app subnet delegated to Microsoft.App/environments', () => {
        expect(vnet().inputs.addressSpace).toEqual({ addressPrefixes: ['10.50.0.0/16'] });
        const [app, pe] = vnet().inputs.subnets;
        expect(app).toMatchObject({
            name: 'app',
            addressPrefix: '10.50.4.0/24',
            delegations: [{ serviceName: 'Microsoft.App/environments' }],
        });
        expect(pe).toMatchObject({
            name: 'private-endpoints',
            addressPrefix: '10.50.5.0/27',
            privateEndpointNetworkPolicies: 'Disabled',
        });
    });

    it('keeps default outbound access on the app subnet only', () => {
        const [app, pe] = vnet().inputs.subnets;
        // Flex VNet integration sends the app's outbound traffic through the app subnet. With no NAT
        // gateway (or firewall route) there, default outbound access is what lets the app reach Entra ID
        // (the identity's tokens for storage), Application Insights ingestion and the Durable Task
        // Scheduler; a private subnet (false) would cut all three. It is set explicitly because subnets
        // of new VNets are private by default since March 2026. The endpoint subnet holds only private
        // endpoints, which receive traffic and need no egress: private.
        expect(app.natGateway).toBeUndefined();
        expect(app.defaultOutboundAccess).toBe(true);
        expect(pe.defaultOutboundAccess).toBe(false);
    });

    it('takes storage off the public internet and puts the app in the app subnet', () => {
        expectStorageExposure(run, 'isolated');
        expect(run.one('azure-native:web:WebApp').inputs.virtualNetworkSubnetId).toBe(`${vnet().id}/subnets/app`);
    });

    it('points every endpoint at the storage account from the endpoint subnet, resolved by a zone linked to the network', () => {
        const account = run.one('azure-native:storage:StorageAccount');
        for (const endpoint of run.ofType('azure-native:network:PrivateEndpoint')) {
            expect(endpoint.inputs).toMatchObject({
                subnet: { id: `${vnet().id}/subnets/private-endpoints` },
                privateLinkServiceConnections: [{ privateLinkServiceId: account.id }],
            });
        }
        const zones = new Map(run.ofType('azure-native:privatedns:PrivateZone').map((z) => [z.state.name, z]));
        for (const link of run.ofType('azure-native:privatedns:VirtualNetworkLink')) {
            expect(zones.has(link.inputs.privateZoneName)).toBe(true);
            expect(link.inputs).toMatchObject({
                virtualNetwork: { id: vnet().id },
                registrationEnabled: false,
                location: 'global',
            });
        }
        const zoneIds = new Set([...zones.values()].map((z) => z.id));
        const endpointNames = new Set(run.ofType('azure-native:network:PrivateEndpoint').map((p) => p.state.name));
        for (const group of run.ofType('azure-native:network:PrivateDnsZoneGroup')) {
            expect(endpointNames.has(group.inputs.privateEndpointName)).toBe(true);
            expect(zoneIds.has(group.inputs.privateDnsZoneConfigs[0].privateDnsZoneId)).toBe(true);
        }
    });

    it('keeps the Azure Storage backend roles and settings, and its package', () => {
        expect(
            grantsOf(run)
                .map((g) => g.role)
                .sort(),
        ).toEqual([
            'Monitoring Metrics Publisher',
            'Storage Blob Data Owner',
            'Storage Blob Data Reader',
            'Storage Queue Data Contributor',
            'Storage Table Data Contributor',
        ]);
        // The deployer's read is granted as in a public stack; reaching the private account is the deploying
        // machine's network path (docs/deploy.md, "network: isolated"). A provider with a client id is a service
        // principal.
        expectDeployerReadsDeploymentContainer(run, {
            principalId: MOCK_DEPLOYER_OBJECT_ID,
            principalType: 'ServicePrincipal',
        });
        expect(appSettingsOf(run)).not.toHaveProperty('DURABLE_TASK_SCHEDULER_CONNECTION_STRING');
        // The Azure Storage variant is the app's own host.json (same value, canonical bytes).
        expect(deployedHostJsonOf(run)).toEqual(packagedHostJson('azureStorage'));
        expect(deployedHostJsonOf(run)).toEqual(
            JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../app/host.json'), 'utf8')),
        );
        expect(run.outputs).not.toHaveProperty('schedulerEndpoint');
    });

    it('passes the security policy pack (incl. isolated storage and scheduler-scoped DTS roles)', async () => {
        expect(await policyViolations(run)).toEqual([]);
    });
    it('sends the site only what Flex accepts (after SDK defaults) and keeps basic auth off until the site is gone', () => {
        expectSiteSentAsFlexAccepts(run);
        expectBasicAuthOffUntilSiteIsGone(run);
    });
    it('plans destroy so the subnet can go: integration off before the site, the subnet released after it, then the network', () => {
        const [disconnect, release] = ['vnet-integration-off', 'app-subnet-release'].map((name) =>
            run.one(TEARDOWN_STEP, name),
        );
        const site = run.one('azure-native:web:WebApp');
        const vnet = run.one('azure-native:network:VirtualNetwork');
        expect(disconnect.inputs).toMatchObject({ step: 'disconnectVnetIntegration', resourceId: site.id });
        expect(release.inputs).toMatchObject({ step: 'waitUntilSubnetReleased', resourceId: `${vnet.id}/subnets/app` });
        // Pulumi deletes a resource before what it depends on: disconnect → site → release → network.
        expect(disconnect.options.dependencies).toContain(site.urn);
        expect(site.options.dependencies).toContain(release.urn);
        expect(release.options.dependencies).toContain(vnet.urn);
    });
});
