import * as pulumi from '@pulumi/pulumi';

/**
 * The logical names this program's resources had before every component child's name derived from its
 * component's name (issue 24), by type and current name. A stack created before then (e.g. `dev`) holds its
 * resources under these URNs; the alias makes `pulumi up` rename each one in the state instead of replacing it.
 *
 * How Pulumi resolves it: an alias `{ name }` leaves type, parent, project and stack as the resource's own
 * (pulumi/pulumi sdk/nodejs/resource.ts, interface Alias: "If not provided ... the current parent of the resource
 * is used"); the engine builds the old URN from them (sdk/go/common/resource/alias.go, CreateURN: a child's URN
 * holds its parent's type, not its parent's name) and looks the old resource up by its URN first, then by each
 * alias (pkg/resource/deploy/step_generator.go). The components kept their names and types, so the parent is the
 * old one. The physical name stays: azure-native reuses the old state's name when the inputs leave it to
 * autonaming (pulumi/pulumi-azure-native provider/pkg/provider/provider.go getDefaultName, "returns old name if
 * exists" in autonaming_test.go). Only the instances named here are aliased: a second component of a type gets
 * no alias, since two resources claiming one old URN is an engine error (GetDuplicateResourceAliasError).
 */
export const PREVIOUS_NAMES: Readonly<Record<string, string>> = {
    'azure-native:web:AppServicePlan::app-plan': 'plan-durable-hello',
    'azure-native:web:WebApp::app-func': 'func-durable-hello',
    'azure-native:web:WebAppFtpAllowed::app-ftp-basic-auth-off': 'ftp-basic-auth-off',
    'azure-native:web:WebAppScmAllowed::app-scm-basic-auth-off': 'scm-basic-auth-off',
    'pulumi-nodejs:dynamic/durable-hello:TeardownStep::app-vnet-integration-off': 'vnet-integration-off',
    'azure-native:storage:StorageAccount::storage': 'sthello',
    'azure-native:storage:BlobContainer::storage-deployment': 'deployment',
    ...Object.fromEntries(
        ['blob', 'queue', 'table'].flatMap((service) => [
            [`azure-native:privatedns:PrivateZone::storage-dns-${service}`, `dns-${service}`],
            [`azure-native:privatedns:VirtualNetworkLink::storage-dns-${service}-link`, `dns-${service}-link`],
            [`azure-native:network:PrivateEndpoint::storage-pe-${service}`, `pe-${service}`],
            [`azure-native:network:PrivateDnsZoneGroup::storage-pe-${service}-dns`, `pe-${service}-dns`],
        ]),
    ),
    'azure-native:operationalinsights:Workspace::monitoring-log': 'log-durable-hello',
    'azure-native:applicationinsights:Component::monitoring-appi': 'appi-durable-hello',
    'azure-native:managedidentity:UserAssignedIdentity::identity-id': 'id-durable-hello',
    ...Object.fromEntries(
        [
            'storage-blob-data-owner',
            'storage-queue-data-contributor',
            'storage-table-data-contributor',
            'monitoring-metrics-publisher',
            'durable-task-data-contributor',
        ].map((role) => [`azure-native:authorization:RoleAssignment::identity-${role}`, `app-${role}`]),
    ),
    'azure-native:network:VirtualNetwork::network-vnet': 'vnet-durable-hello',
    'pulumi-nodejs:dynamic/durable-hello:TeardownStep::network-app-subnet-release': 'app-subnet-release',
    'azure-native:durabletask:Scheduler::scheduler-dts': 'dts-durable-hello',
    'azure-native:durabletask:TaskHub::scheduler-taskhub': 'taskhub',
    'azure-native:authorization:RoleAssignment::scheduler-dashboard-durable-task-data-contributor':
        'dashboard-durable-task-data-contributor',
};

/**
 * A transformation for the components of infra/index.ts: adds the alias of its previous name to each resource listed in
 * PREVIOUS_NAMES.
 */
export const aliasPreviousNames: pulumi.ResourceTransformation = ({ type, name, props, opts }) => {
    const previous = PREVIOUS_NAMES[`${type}::${name}`];
    if (previous === undefined) return undefined;
    return { props, opts: pulumi.mergeOptions(opts, { aliases: [{ name: previous }] }) };
};
