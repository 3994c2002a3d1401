/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks`, offline, and returns what it registered.
 * One `runProgram` per jest test file: the Pulumi runtime state is process-global.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { MockCallArgs, MockResourceArgs } from '@pulumi/pulumi/runtime';

export const MOCK_SUBSCRIPTION_ID = '00000000-0000-4000-8000-000000000001';
export const MOCK_TENANT_ID = '00000000-0000-4000-8000-000000000002';
export const MOCK_FUNCTION_KEY = 'mock/default+key==';
export const INFRA_PROGRAM = path.resolve(__dirname, '../../infra/index.ts');

/** Resource options as the SDK sends them to the engine (its RegisterResource request). */
export interface SentOptions {
    retainOnDelete: boolean;
    /** URN of the resource this one is deleted with, '' when none. */
    deletedWith: string;
    dependencies: string[];
    /** URN of the parent ('' for the stack's direct children). */
    parent: string;
    aliases: SentAlias[];
}

/** An alias as sent: a whole URN, or a spec whose empty fields the engine fills from the resource itself. */
export type SentAlias =
    | { urn: string }
    | { name: string; type: string; parentUrn: string; noParent: boolean; project: string; stack: string };

export interface MockedResource {
    type: string;
    name: string;
    custom: boolean;
    id: string;
    urn: string;
    options: SentOptions;
    inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    state: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ProgramRun {
    resources: MockedResource[];
    /** Resources an engine would create in the cloud (components left out). */
    custom: MockedResource[];
    outputs: Record<string, unknown>;
    secretOutputs: Set<string>;
    /** Outputs whose value is not known (only in a preview): `outputs` holds undefined for them. */
    unknownOutputs: Set<string>;
    calls: MockCallArgs[];
    ofType(type: string): MockedResource[];
    /** The single resource of a type (optionally whose logical name contains `nameHint`); throws otherwise. */
    one(type: string, nameHint?: string): MockedResource;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getRetainondelete(): boolean | undefined;
    getDeletedwith(): string;
    getDependenciesList(): string[];
    getParent(): string;
    getAliasesList(): AliasMessage[];
}

interface AliasMessage {
    hasUrn(): boolean;
    getUrn(): string;
    getSpec():
        | {
              getName(): string;
              getType(): string;
              getParenturn(): string;
              getNoparent(): boolean;
              getProject(): string;
              getStack(): string;
          }
        | undefined;
}

function sentAlias(alias: AliasMessage): SentAlias {
    const spec = alias.getSpec();
    if (alias.hasUrn() || spec === undefined) return { urn: alias.getUrn() };
    return {
        name: spec.getName(),
        type: spec.getType(),
        parentUrn: spec.getParenturn(),
        noParent: spec.getNoparent(),
        project: spec.getProject(),
        stack: spec.getStack(),
    };
}

/**
 * Records the options of every RegisterResource request the SDK sends to the (mock) engine, keyed by
 * type and name: the mocks' newResource sees only the inputs.
 */
function recordSentOptions(sent: Map<string, SentOptions>, urns: Map<string, string>): void {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    type Monitor = Record<string, Function>;
    const monitor = (require('@pulumi/pulumi/runtime/settings') as { getMonitor(): Monitor }).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (
        req: RegisterRequest,
        callback: (err: unknown, response?: { getUrn(): string }) => void,
    ) => {
        const key = `${req.getType()}::${req.getName()}`;
        sent.set(key, {
            retainOnDelete: req.getRetainondelete() === true,
            deletedWith: req.getDeletedwith(),
            dependencies: req.getDependenciesList(),
            parent: req.getParent(),
            aliases: req.getAliasesList().map(sentAlias),
        });
        return register(req, (err: unknown, response?: { getUrn(): string }) => {
            if (response) urns.set(key, response.getUrn());
            callback(err, response);
        });
    };
}

export type CallHandler = (inputs: Record<string, unknown>) => Record<string, unknown>;

export interface RunOptions {
    program?: string;
    project?: string;
    stack?: string;
    /** Overrides of, or additions to, the default invoke results by token. */
    calls?: Record<string, CallHandler>;
    /** How to load the program; `require` where a require hook (Pulumi's ts-node) must compile it. */
    load?: (program: string) => Promise<Record<string, unknown>>;
    /** Run as `pulumi preview` does (`pulumi.runtime.isDryRun()` true); `pulumi up` by default. */
    preview?: boolean;
}

/** The property that carries a resource's Azure name, by type; `name` otherwise. */
const NAME_KEYS: Record<string, string> = {
    'azure-native:resources:ResourceGroup': 'resourceGroupName',
    'azure-native:storage:StorageAccount': 'accountName',
    'azure-native:storage:BlobContainer': 'containerName',
    'azure-native:managedidentity:UserAssignedIdentity': 'resourceName',
    'azure-native:applicationinsights:Component': 'resourceName',
    'azure-native:operationalinsights:Workspace': 'workspaceName',
    'azure-native:authorization:RoleAssignment': 'roleAssignmentName',
    'azure-native:network:VirtualNetwork': 'virtualNetworkName',
    'azure-native:network:Subnet': 'subnetName',
    'azure-native:network:PrivateEndpoint': 'privateEndpointName',
    'azure-native:network:PrivateDnsZoneGroup': 'privateDnsZoneGroupName',
    'azure-native:privatedns:PrivateZone': 'privateZoneName',
    'azure-native:privatedns:VirtualNetworkLink': 'virtualNetworkLinkName',
    'azure-native:durabletask:Scheduler': 'schedulerName',
    'azure-native:durabletask:TaskHub': 'taskHubName',
};

const ARM_TYPES: Record<string, string> = {
    'azure-native:storage:StorageAccount': 'Microsoft.Storage/storageAccounts',
    'azure-native:managedidentity:UserAssignedIdentity': 'Microsoft.ManagedIdentity/userAssignedIdentities',
    'azure-native:applicationinsights:Component': 'Microsoft.Insights/components',
    'azure-native:operationalinsights:Workspace': 'Microsoft.OperationalInsights/workspaces',
    'azure-native:web:AppServicePlan': 'Microsoft.Web/serverfarms',
    'azure-native:web:WebApp': 'Microsoft.Web/sites',
    'azure-native:network:VirtualNetwork': 'Microsoft.Network/virtualNetworks',
    'azure-native:network:PrivateEndpoint': 'Microsoft.Network/privateEndpoints',
    'azure-native:privatedns:PrivateZone': 'Microsoft.Network/privateDnsZones',
    'azure-native:durabletask:Scheduler': 'Microsoft.DurableTask/schedulers',
};

const hex = (seed: string, length: number): string =>
    crypto.createHash('sha256').update(seed).digest('hex').slice(0, length);
const mockGuid = (seed: string): string => {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** azure-native autonaming: the logical name plus 8 random hex characters (here derived from the name). */
function azureName(args: MockResourceArgs): string {
    const explicit = args.inputs[NAME_KEYS[args.type] ?? 'name'];
    return typeof explicit === 'string' && explicit !== '' ? explicit : `${args.name}${hex(args.name, 8)}`;
}

function armId(args: MockResourceArgs, name: string): string {
    const rg = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${args.inputs.resourceGroupName}`;
    const [, module, type] = args.type.split(':');
    switch (args.type) {
        case 'azure-native:resources:ResourceGroup':
            return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${name}`;
        case 'azure-native:authorization:RoleAssignment':
            return `${args.inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
        case 'azure-native:storage:BlobContainer':
            return `${rg}/providers/Microsoft.Storage/storageAccounts/${args.inputs.accountName}/blobServices/default/containers/${name}`;
        case 'azure-native:network:Subnet':
            return `${rg}/providers/Microsoft.Network/virtualNetworks/${args.inputs.virtualNetworkName}/subnets/${name}`;
        case 'azure-native:durabletask:TaskHub':
            return `${rg}/providers/Microsoft.DurableTask/schedulers/${args.inputs.schedulerName}/taskHubs/${name}`;
        default:
            return `${rg}/providers/${ARM_TYPES[args.type] ?? `Mock.${module}/${type}`}/${name}`;
    }
}

/** Outputs Azure computes, for the types whose computed outputs the program reads. */
function computed(args: MockResourceArgs, name: string): Record<string, unknown> {
    switch (args.type) {
        case 'azure-native:storage:StorageAccount': {
            const endpoint = (service: string) => `https://${name}.${service}.core.windows.net/`;
            return {
                primaryEndpoints: Object.fromEntries(
                    ['blob', 'queue', 'table', 'file', 'dfs'].map((s) => [s, endpoint(s)]),
                ),
            };
        }
        case 'azure-native:managedidentity:UserAssignedIdentity':
            return {
                clientId: mockGuid(`client:${name}`),
                principalId: mockGuid(`principal:${name}`),
                tenantId: MOCK_TENANT_ID,
            };
        case 'azure-native:applicationinsights:Component': {
            const key = mockGuid(`ikey:${name}`);
            return {
                instrumentationKey: key,
                connectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${args.inputs.location}-0.in.applicationinsights.azure.com/`,
            };
        }
        case 'azure-native:web:WebApp':
            return { defaultHostName: `${name}.azurewebsites.net` };
        case 'pulumi-nodejs:dynamic/durable-hello:OneDeploy':
            return { deploymentId: mockGuid(`deployment:${args.inputs.packageSha256}`) };
        case 'azure-native:durabletask:Scheduler':
            return {
                properties: {
                    ...args.inputs.properties,
                    endpoint: `https://${name}-${hex(name, 4)}.${args.inputs.location}.durabletask.io`,
                },
            };
        default:
            return {};
    }
}

/** The object id of the principal running the program (getClientConfig), i.e. the one running `pulumi up`. */
export const MOCK_DEPLOYER_OBJECT_ID = mockGuid('deployer-object');

const DEFAULT_CALLS: Record<string, CallHandler> = {
    'azure-native:authorization:getClientConfig': () => ({
        subscriptionId: MOCK_SUBSCRIPTION_ID,
        tenantId: MOCK_TENANT_ID,
        clientId: mockGuid('deployer-client'),
        objectId: MOCK_DEPLOYER_OBJECT_ID,
    }),
    'azure-native:web:listWebAppFunctionKeys': (inputs) => ({
        id: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${String(inputs.resourceGroupName)}/providers/Microsoft.Web/sites/${String(inputs.name)}/functions/${String(inputs.functionName)}/keys`,
        name: String(inputs.functionName),
        type: 'Microsoft.Web/sites/functions/keys',
        properties: { default: MOCK_FUNCTION_KEY },
    }),
};

function configEntries(config: Record<string, unknown>, project: string): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => [
            key.includes(':') ? key : `${project}:${key}`,
            typeof value === 'string' ? value : JSON.stringify(value),
        ]),
    );
}

/** Resolves an Output's value (the SDK's internal promise, which also works for secrets). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

export async function runProgram(config: Record<string, unknown>, options: RunOptions = {}): Promise<ProgramRun> {
    const project = options.project ?? 'durable-hello';
    const resources: MockedResource[] = [];
    const calls: MockCallArgs[] = [];
    const handlers = { ...DEFAULT_CALLS, ...options.calls };
    const sentOptions = new Map<string, SentOptions>();
    const urns = new Map<string, string>();
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const name = azureName(args);
                const id = args.custom === false ? '' : armId(args, name);
                const state = { ...args.inputs, name, ...computed(args, name) };
                const options = sentOptions.get(`${args.type}::${args.name}`) ?? {
                    retainOnDelete: false,
                    deletedWith: '',
                    dependencies: [],
                    parent: '',
                    aliases: [],
                };
                resources.push({
                    type: args.type,
                    name: args.name,
                    custom: args.custom !== false,
                    id,
                    urn: '',
                    options,
                    inputs: args.inputs,
                    state,
                });
                return { id, state };
            },
            call(args) {
                calls.push(args);
                const handler = handlers[args.token];
                if (!handler) {
                    throw new Error(`runProgram: no mock for invoke ${args.token}; pass one in options.calls`);
                }
                return handler(args.inputs);
            },
        },
        project,
        options.stack ?? 'dev',
        options.preview === true,
    );
    recordSentOptions(sentOptions, urns);
    // The program runs as a user signed in with the Azure CLI unless the config names azure-native:clientId
    // (a service principal): a client id in the shell running the tests must not change that.
    delete process.env.ARM_CLIENT_ID;
    pulumi.runtime.setAllConfig(configEntries(config, project));

    const load = options.load ?? ((file: string) => import(file));
    const program = await load(options.program ?? INFRA_PROGRAM);
    const outputs: Record<string, unknown> = {};
    const secretOutputs = new Set<string>();
    const unknownOutputs = new Set<string>();
    for (const [key, value] of Object.entries(program)) {
        if (pulumi.Output.isInstance(value)) {
            outputs[key] = await valueOf(value);
            if (!(await (value as unknown as { isKnown: Promise<boolean> }).isKnown)) {
                unknownOutputs.add(key);
            }
            if (await pulumi.isSecret(value)) {
                secretOutputs.add(key);
            }
        }
    }
    // Resources nothing exported depends on (role assignments, publishing policies) register last.
    await (require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> }).waitForRPCs();

    for (const r of resources) r.urn = urns.get(`${r.type}::${r.name}`) ?? '';
    const custom = resources.filter((r) => r.custom);
    return {
        resources,
        custom,
        outputs,
        secretOutputs,
        unknownOutputs,
        calls,
        ofType: (type) => custom.filter((r) => r.type === type),
        one(type, nameHint) {
            const matches = custom.filter(
                (r) => r.type === type && (nameHint === undefined || r.name.includes(nameHint)),
            );
            if (matches.length !== 1) {
                throw new Error(
                    `expected one ${type}${nameHint ? ` named *${nameHint}*` : ''}, found ${matches.length}`,
                );
            }
            return matches[0];
        },
    };
}

/**
 * The URN each alias of a resource denotes, as the engine resolves it: a spec's empty fields are the resource's
 * own name, type, parent, project and stack, and a child's URN is its parent's type chain, `$`, its type and name
 * (pulumi/pulumi sdk/go/common/resource/alias.go, CreateURN). A parent of the root stack's type means no parent.
 */
export function aliasUrns(resource: MockedResource): string[] {
    const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(resource.urn) ?? [];
    return resource.options.aliases.map((alias) => {
        if ('urn' in alias) return alias.urn;
        let parent = alias.noParent ? '' : alias.parentUrn || resource.options.parent;
        if (parent.includes('::pulumi:pulumi:Stack::')) parent = '';
        const prefix = parent
            ? `${parent.slice(0, parent.lastIndexOf('::'))}$`
            : `urn:pulumi:${alias.stack || stack}::${alias.project || project}::`;
        return `${prefix}${alias.type || resource.type}::${alias.name || resource.name}`;
    });
}
