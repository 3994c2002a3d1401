import { addressRangeProblems, parseCidr } from '../../infra/addressRanges';
import { ConfigError, readConfig, DEFAULT_ADDRESS_RANGES } from '../../infra/config';
import { DURABLE_TASK_SCHEDULER_REGIONS, FLEX_CONSUMPTION_REGIONS, REGIONS_AS_OF } from '../../infra/regions';

const read = (values: Record<string, string>) => readConfig({ get: (key: string) => values[key] }, 'dev');

function problemsOf(values: Record<string, string>): string[] {
    try {
        read(values);
    } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
}

const base = { location: 'swedencentral' };

describe('production options config', () => {
    it('defaults to the Azure Storage backend on a public network, with no option-specific settings', () => {
        const config = read(base);
        expect(config).toMatchObject({ durableBackend: 'azureStorage', network: 'public' });
        expect(config.scheduler).toBeUndefined();
        expect(config.addressRanges).toBeUndefined();
    });

    it('reads the scheduler options: Consumption by default, Dedicated with a capacity, a dashboard principal', () => {
        expect(read({ ...base, durableBackend: 'durableTaskScheduler' }).scheduler).toEqual({ sku: 'Consumption' });
        const id = '11111111-2222-3333-4444-555555555555';
        expect(
            read({
                ...base,
                durableBackend: 'durableTaskScheduler',
                dtsSku: 'Dedicated',
                dtsCapacity: '2',
                dashboardPrincipalId: id,
                dashboardPrincipalType: 'Group',
            }).scheduler,
        ).toEqual({ sku: 'Dedicated', capacity: 2, dashboardPrincipal: { id, type: 'Group' } });
    });

    it('names the deploying principal when the config does (ServicePrincipal by default), and nobody otherwise', () => {
        const id = 'AAAAAAAA-2222-3333-4444-555555555555';
        expect(read(base).deployer).toBeUndefined();
        expect(read({ ...base, deployerPrincipalId: id }).deployer).toEqual({
            id: id.toLowerCase(),
            type: 'ServicePrincipal',
        });
        expect(read({ ...base, deployerPrincipalId: id, deployerPrincipalType: 'User' }).deployer).toEqual({
            id: id.toLowerCase(),
            type: 'User',
        });
    });

    it('uses the default address ranges when isolated, or the configured ones', () => {
        expect(read({ ...base, network: 'isolated' }).addressRanges).toEqual(DEFAULT_ADDRESS_RANGES);
        expect(
            read({
                ...base,
                network: 'isolated',
                vnetAddressSpace: '172.16.0.0/20',
                appSubnetPrefix: '172.16.0.0/24',
                privateEndpointSubnetPrefix: '172.16.1.0/27',
            }).addressRanges,
        ).toEqual({
            virtualNetwork: '172.16.0.0/20',
            appSubnet: '172.16.0.0/24',
            privateEndpointSubnet: '172.16.1.0/27',
        });
    });

    it.each([
        [
            { durableBackend: 'netherite' },
            /durable-hello:durableBackend is 'netherite'; allowed values: azureStorage, durableTaskScheduler/,
        ],
        [{ network: 'private' }, /durable-hello:network is 'private'; allowed values: public, isolated/],
        [
            { durableBackend: 'durableTaskScheduler', dtsSku: 'Premium' },
            /durable-hello:dtsSku is 'Premium'; allowed values: Consumption, Dedicated/,
        ],
        [
            { durableBackend: 'durableTaskScheduler', dtsSku: 'Dedicated', dtsCapacity: '9' },
            /durable-hello:dtsCapacity is '9'; expected a whole number from 1 to 3/,
        ],
        [
            { durableBackend: 'durableTaskScheduler', dtsCapacity: '2' },
            /durable-hello:dtsCapacity is only used with dtsSku Dedicated/,
        ],
        [
            { durableBackend: 'durableTaskScheduler', dashboardPrincipalId: 'alice@contoso.com' },
            /durable-hello:dashboardPrincipalId is 'alice@contoso.com'; expected an Entra object id/,
        ],
        [
            { durableBackend: 'durableTaskScheduler', dashboardPrincipalType: 'Group' },
            /durable-hello:dashboardPrincipalType is only used with dashboardPrincipalId/,
        ],
        [
            { deployerPrincipalId: 'ci-deployer' },
            /durable-hello:deployerPrincipalId is 'ci-deployer'; expected an Entra object id \(a GUID\) of the identity that runs pulumi up/,
        ],
        [
            { deployerPrincipalId: '11111111-2222-3333-4444-555555555555', deployerPrincipalType: 'Group' },
            /durable-hello:deployerPrincipalType is 'Group'; allowed values: ServicePrincipal, User/,
        ],
        [
            { deployerPrincipalType: 'ServicePrincipal' },
            /durable-hello:deployerPrincipalType is only used with deployerPrincipalId/,
        ],
        [{ dtsSku: 'Dedicated' }, /durable-hello:dtsSku is only used with durableBackend durableTaskScheduler/],
        [{ appSubnetPrefix: '10.20.1.0/24' }, /durable-hello:appSubnetPrefix is only used with network isolated/],
        [
            { network: 'isolated', vnetAddressSpace: '10.20.0.0' },
            /durable-hello:vnetAddressSpace '10.20.0.0' is not an IPv4 range in CIDR form/,
        ],
        [
            { network: 'isolated', appSubnetPrefix: '10.20.1.5/24' },
            /durable-hello:appSubnetPrefix '10.20.1.5\/24' has host bits set; the range starts at 10.20.1.0\/24/,
        ],
        [
            { network: 'isolated', appSubnetPrefix: '10.20.1.0/28' },
            /durable-hello:appSubnetPrefix is '10.20.1.0\/28'; its prefix length must be \/16 to \/27/,
        ],
        [
            { network: 'isolated', privateEndpointSubnetPrefix: '10.20.2.0/29' },
            /durable-hello:privateEndpointSubnetPrefix is '10.20.2.0\/29'; its prefix length must be \/16 to \/28/,
        ],
        [
            { network: 'isolated', appSubnetPrefix: '10.30.1.0/24' },
            /durable-hello:appSubnetPrefix '10.30.1.0\/24' is not inside the virtual network 10.20.0.0\/16/,
        ],
        [
            { network: 'isolated', privateEndpointSubnetPrefix: '10.20.1.128/25' },
            /durable-hello:privateEndpointSubnetPrefix '10.20.1.128\/25' overlaps the app subnet 10.20.1.0\/24/,
        ],
    ])('rejects %j naming the key and what is allowed', (values, message) => {
        expect(problemsOf({ ...base, ...values })).toEqual([expect.stringMatching(message)]);
    });

    it('rejects a region without Flex Consumption at preview, listing the supported ones and the list date', () => {
        const [problem] = problemsOf({ location: 'westindia' });
        expect(problem).toMatch(
            /^durable-hello:location is 'westindia', where this stack does not deploy Flex Consumption; supported regions: australiaeast, .*westus2/,
        );
        expect(problem).toContain(`as of ${REGIONS_AS_OF}`);
        expect(problemsOf({ location: 'westindia', durableBackend: 'durableTaskScheduler' })).toHaveLength(1);
    });

    it('keeps the region lists in one dated place, every DTS region also a Flex region', () => {
        expect(REGIONS_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(FLEX_CONSUMPTION_REGIONS).toContain('swedencentral');
        expect(DURABLE_TASK_SCHEDULER_REGIONS.filter((r) => !FLEX_CONSUMPTION_REGIONS.includes(r))).toEqual([]);
    });
});

describe('address ranges', () => {
    it('parses network addresses and computes sizes', () => {
        expect(parseCidr('10.20.0.0/16')).toEqual({
            text: '10.20.0.0/16',
            start: 10 * 2 ** 24 + 20 * 2 ** 16,
            prefix: 16,
            size: 65536,
        });
        expect(parseCidr('300.0.0.0/8')).toMatch(/not an IPv4 range/);
    });

    it('accepts the defaults and reports every problem of a bad set', () => {
        expect(addressRangeProblems(DEFAULT_ADDRESS_RANGES)).toEqual([]);
        expect(
            addressRangeProblems({
                virtualNetwork: '10.0.0.0/24',
                appSubnet: '10.0.0.0/25',
                privateEndpointSubnet: '10.0.0.64/28',
            }).map((p) => p.range),
        ).toEqual(['privateEndpointSubnet']);
    });
});
