import { AUTH_LEVELS, type StarterAuthLevel } from '../app/src/lib/authLevel';
import { DURABLE_BACKENDS, type DurableBackend } from './package/hostJson';
import { addressRangeProblems, type AddressRanges } from './addressRanges';
import { INSTANCE_MEMORY_SIZES, MAXIMUM_INSTANCE_COUNT, NODE_RUNTIME_VERSIONS } from './flexRules';
import { ConfigError, ConfigReader, type ConfigSource } from './configReader';
import { PROJECT } from './project';
import { DURABLE_TASK_SCHEDULER_REGIONS, FLEX_CONSUMPTION_REGIONS, REGIONS_AS_OF } from './regions';

export { ConfigError, PROJECT, type ConfigSource, type DurableBackend, type StarterAuthLevel };

export const INSTANCE_MEMORY_MB = INSTANCE_MEMORY_SIZES.values;
export type InstanceMemoryMB = (typeof INSTANCE_MEMORY_MB)[number];
/**
 * Node versions Flex Consumption runs generally available (not preview) and Node.js still supports,
 * as of NODE_VERSIONS_AS_OF. Node 24 was in preview on Azure Functions at the last check.
 */
export const NODE_VERSIONS = NODE_RUNTIME_VERSIONS.values;
export type NodeVersion = (typeof NODE_VERSIONS)[number];
export const NODE_VERSIONS_AS_OF = '2026-11-25';
/** Why a version someone may still have in their stack config is refused. */
const REFUSED_NODE_VERSIONS: Record<string, string> = {
    '20': 'Node.js 20 reached end of life on 2026-04-30: no security fixes, and Azure Functions no longer supports it',
    '24': 'Node.js 24 is not generally available on Flex Consumption (preview only)',
};
export const NETWORKS = ['public', 'isolated'] as const;
export type NetworkMode = (typeof NETWORKS)[number];
export const DTS_SKUS = ['Consumption', 'Dedicated'] as const;
export type DtsSku = (typeof DTS_SKUS)[number];
/** Dedicated scheduler capacity units. */
export const DTS_CAPACITY_RANGE = { min: 1, max: 3 } as const;
export const DASHBOARD_PRINCIPAL_TYPES = ['User', 'Group'] as const;
export type DashboardPrincipalType = (typeof DASHBOARD_PRINCIPAL_TYPES)[number];
export const DEPLOYER_PRINCIPAL_TYPES = ['ServicePrincipal', 'User'] as const;
export type DeployerPrincipalType = (typeof DEPLOYER_PRINCIPAL_TYPES)[number];
export const DEFAULT_ADDRESS_RANGES: AddressRanges = {
    virtualNetwork: '10.20.0.0/16',
    appSubnet: '10.20.1.0/24',
    privateEndpointSubnet: '10.20.2.0/24',
};

export const REPLAY_CHECK_PRINCIPAL_TYPES = ['ServicePrincipal', 'User', 'Group'] as const;
export type ReplayCheckPrincipalType = (typeof REPLAY_CHECK_PRINCIPAL_TYPES)[number];

export interface DurableTaskSchedulerConfig {
    sku: DtsSku;
    /** Dedicated only. */
    capacity?: number;
    /** A user or group (object id) who gets Durable Task Data Contributor to open the dashboard. */
    dashboardPrincipal?: { id: string; type: DashboardPrincipalType };
}

export interface StackConfig {
    location: string;
    maximumInstanceCount: number;
    instanceMemoryMB: InstanceMemoryMB;
    nodeVersion: NodeVersion;
    starterAuthLevel: StarterAuthLevel;
    /** Applied to every taggable resource; the defaults (app, stack) merged with the `tags` key. */
    tags: Record<string, string>;
    durableBackend: DurableBackend;
    /** Set when durableBackend is durableTaskScheduler. */
    scheduler?: DurableTaskSchedulerConfig;
    network: NetworkMode;
    /**
     * The identity that runs `npm run replay-check` before deploys (the pipeline's): it gets the read-only data roles.
     */
    replayCheckPrincipal?: { id: string; type: ReplayCheckPrincipalType };
    /** Set when network is isolated. */
    addressRanges?: AddressRanges;
    /**
     * The principal that runs `pulumi up` (reads the deployment container), when the config names it: a preview by
     * another identity (the read-only one) then plans the same assignment. Unset: whoever runs the program.
     */
    deployer?: { id: string; type: DeployerPrincipalType };
}

// Azure tag limits: https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
const TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;
const MAX_TAGS = 50;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validTags(reader: ConfigReader, tags: Record<string, string>): Record<string, string> {
    const names = Object.keys(tags);
    if (names.length > MAX_TAGS) {
        reader.fail('tags', `has ${names.length} entries; Azure allows at most ${MAX_TAGS}.`);
    }
    for (const [name, value] of Object.entries(tags)) {
        if (name.length === 0 || name.length > 512 || TAG_NAME_FORBIDDEN.test(name)) {
            reader.fail('tags', `name '${name}' must be 1-512 characters without any of < > % & \\ ? /.`);
        }
        if (value.length > 256) {
            reader.fail('tags', `value of '${name}' is ${value.length} characters; Azure allows at most 256.`);
        }
    }
    return tags;
}

function readLocation(reader: ConfigReader, backend: DurableBackend): string {
    const value = reader.raw('location');
    if (value === undefined) {
        reader.fail(
            'location',
            `is required: the Azure region, e.g. pulumi config set location swedencentral (supported: ${FLEX_CONSUMPTION_REGIONS.join(', ')}).`,
        );
        return '';
    }
    const location = value.toLowerCase().replace(/\s+/g, '');
    const asOf = `(list as of ${REGIONS_AS_OF}, infra/regions.ts)`;
    if (!FLEX_CONSUMPTION_REGIONS.includes(location)) {
        reader.fail(
            'location',
            `is '${value}', where this stack does not deploy Flex Consumption; supported regions: ${FLEX_CONSUMPTION_REGIONS.join(', ')} ${asOf}.`,
        );
    } else if (backend === 'durableTaskScheduler' && !DURABLE_TASK_SCHEDULER_REGIONS.includes(location)) {
        reader.fail(
            'location',
            `is '${value}', where the Durable Task Scheduler is not offered; supported regions: ${DURABLE_TASK_SCHEDULER_REGIONS.join(', ')} ${asOf}.`,
        );
    }
    return location;
}

/** Keys that only mean something with one option: setting them otherwise is a mistake worth reporting. */
function rejectUnused(reader: ConfigReader, keys: string[], reason: string): void {
    for (const key of keys.filter((k) => reader.raw(k) !== undefined)) {
        reader.fail(key, `is only used ${reason}; remove it or set that option.`);
    }
}

/**
 * An optional principal given as `<prefix>PrincipalId` (an Entra object id) and `<prefix>PrincipalType`; the type
 * alone is a mistake. `example` is the command that prints the id.
 */
function readPrincipal<T extends string>(
    reader: ConfigReader,
    prefix: string,
    types: readonly T[],
    defaultType: T,
    example: string,
): { id: string; type: T } | undefined {
    const idKey = `${prefix}PrincipalId`;
    const typeKey = `${prefix}PrincipalType`;
    const id = reader.raw(idKey);
    if (id === undefined) {
        rejectUnused(reader, [typeKey], `with ${idKey}`);
        return undefined;
    }
    if (!GUID.test(id)) reader.fail(idKey, `is '${id}'; expected an Entra object id (a GUID)${example}.`);
    return { id: id.toLowerCase(), type: reader.oneOf(typeKey, types, defaultType) };
}

function readScheduler(reader: ConfigReader): DurableTaskSchedulerConfig {
    const sku = reader.oneOf('dtsSku', DTS_SKUS, 'Consumption');
    const scheduler: DurableTaskSchedulerConfig = { sku };
    if (sku === 'Dedicated') {
        scheduler.capacity = reader.integer('dtsCapacity', DTS_CAPACITY_RANGE, 1);
    } else {
        rejectUnused(reader, ['dtsCapacity'], 'with dtsSku Dedicated');
    }
    const dashboardPrincipal = readPrincipal(
        reader,
        'dashboard',
        DASHBOARD_PRINCIPAL_TYPES,
        'User',
        ', e.g. az ad signed-in-user show --query id -o tsv',
    );
    if (dashboardPrincipal) scheduler.dashboardPrincipal = dashboardPrincipal;
    return scheduler;
}

function readNodeVersion(reader: ConfigReader): NodeVersion {
    const value = reader.raw('nodeVersion');
    const match = NODE_VERSIONS.find((v) => v === value);
    if (value === undefined || match) return match ?? '22';
    const why = REFUSED_NODE_VERSIONS[value] ?? 'not a Node.js major version Flex Consumption supports';
    reader.fail(
        'nodeVersion',
        `is '${value}'; allowed values: ${NODE_VERSIONS.join(', ')} (default 22, list as of ${NODE_VERSIONS_AS_OF}). ${why}; set 22 or remove the key.`,
    );
    return '22';
}

const RANGE_KEYS: Record<keyof AddressRanges, string> = {
    virtualNetwork: 'vnetAddressSpace',
    appSubnet: 'appSubnetPrefix',
    privateEndpointSubnet: 'privateEndpointSubnetPrefix',
};

function readAddressRanges(reader: ConfigReader): AddressRanges {
    const ranges = Object.fromEntries(
        (Object.keys(RANGE_KEYS) as (keyof AddressRanges)[]).map((range) => [
            range,
            reader.raw(RANGE_KEYS[range]) ?? DEFAULT_ADDRESS_RANGES[range],
        ]),
    ) as unknown as AddressRanges;
    for (const problem of addressRangeProblems(ranges)) {
        reader.fail(RANGE_KEYS[problem.range], problem.message);
    }
    return ranges;
}

/** Reads and validates the stack's config once; throws a ConfigError listing every problem. */
export function readConfig(source: ConfigSource, stack: string): StackConfig {
    const reader = new ConfigReader(source);
    const durableBackend = reader.oneOf('durableBackend', DURABLE_BACKENDS, 'azureStorage');
    const network = reader.oneOf('network', NETWORKS, 'public');
    const config: StackConfig = {
        location: readLocation(reader, durableBackend),
        maximumInstanceCount: reader.integer(
            'maximumInstanceCount',
            MAXIMUM_INSTANCE_COUNT,
            100,
            MAXIMUM_INSTANCE_COUNT.source,
        ),
        instanceMemoryMB: reader.oneOf('instanceMemoryMB', INSTANCE_MEMORY_MB, 2048, INSTANCE_MEMORY_SIZES.source),
        nodeVersion: readNodeVersion(reader),
        starterAuthLevel: reader.oneOf('starterAuthLevel', AUTH_LEVELS, 'function'),
        tags: validTags(reader, { app: PROJECT, stack, ...reader.stringMap('tags') }),
        durableBackend,
        network,
    };
    if (durableBackend === 'durableTaskScheduler') {
        config.scheduler = readScheduler(reader);
    } else {
        rejectUnused(
            reader,
            ['dtsSku', 'dtsCapacity', 'dashboardPrincipalId', 'dashboardPrincipalType'],
            'with durableBackend durableTaskScheduler',
        );
    }
    const replayCheckPrincipal = readPrincipal(
        reader,
        'replayCheck',
        REPLAY_CHECK_PRINCIPAL_TYPES,
        'ServicePrincipal',
        ": the pipeline's service principal, e.g. az ad sp show --id <client id> --query id -o tsv",
    );
    if (replayCheckPrincipal) config.replayCheckPrincipal = replayCheckPrincipal;
    const deployer = readPrincipal(
        reader,
        'deployer',
        DEPLOYER_PRINCIPAL_TYPES,
        'ServicePrincipal',
        ' of the identity that runs pulumi up, e.g. az ad sp show --id "$APP_ID" --query id -o tsv',
    );
    if (deployer) config.deployer = deployer;
    if (network === 'isolated') {
        config.addressRanges = readAddressRanges(reader);
    } else {
        rejectUnused(reader, Object.values(RANGE_KEYS), 'with network isolated');
    }
    if (reader.problems.length > 0) {
        throw new ConfigError(reader.problems);
    }
    return config;
}
