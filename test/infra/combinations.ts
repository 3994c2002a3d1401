/** Expectations shared by the four backend × network program tests (one program run per test file). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { buildPackage } from '../../infra/package';
import { deployedHostJson, type DurableBackend } from '../../infra/package/hostJson';
import { MOCK_DEPLOYER_OBJECT_ID, type ProgramRun } from '../support/pulumiMocks';
import { evaluate, type Violation } from '../policy/harness';
import { grantsOf, resourceCounts } from './assertions';
import { DEPRECATED_APP_SETTINGS, rejectedSiteConfigIn, SENT_SITE_CONFIG_KEYS } from '../../infra/flexRules';

export const ONE_DEPLOY = 'pulumi-nodejs:dynamic/durable-hello:OneDeploy';
export const TEARDOWN_STEP = 'pulumi-nodejs:dynamic/durable-hello:TeardownStep';
const APP_DIR = path.resolve(__dirname, '../../app');

export interface Combination {
    backend: DurableBackend;
    network: 'public' | 'isolated';
    /** Extra role assignments (e.g. the dashboard principal). */
    extraRoleAssignments?: number;
}

/** The exact resource set of a combination, by type. */
export function expectedCounts({ backend, network, extraRoleAssignments = 0 }: Combination): Record<string, number> {
    const dts = backend === 'durableTaskScheduler';
    // Blob, queue and table with either backend (infra/durableBackend.ts STORAGE_SERVICES).
    const privateServices = network === 'isolated' ? 3 : 0;
    const counts: Record<string, number> = {
        'azure-native:resources:ResourceGroup': 1,
        'azure-native:storage:StorageAccount': 1,
        'azure-native:storage:BlobContainer': 1,
        'azure-native:managedidentity:UserAssignedIdentity': 1,
        // The app identity's roles, plus the deploying principal's read on the deployment container.
        'azure-native:authorization:RoleAssignment': (dts ? 5 : 4) + 1 + extraRoleAssignments,
        'azure-native:operationalinsights:Workspace': 1,
        'azure-native:applicationinsights:Component': 1,
        'azure-native:web:AppServicePlan': 1,
        'azure-native:web:WebApp': 1,
        'azure-native:web:WebAppFtpAllowed': 1,
        'azure-native:web:WebAppScmAllowed': 1,
        [ONE_DEPLOY]: 1,
    };
    if (dts) {
        counts['azure-native:durabletask:Scheduler'] = 1;
        counts['azure-native:durabletask:TaskHub'] = 1;
    }
    if (privateServices > 0) {
        counts['azure-native:network:VirtualNetwork'] = 1;
        counts[TEARDOWN_STEP] = 2;
        counts['azure-native:privatedns:PrivateZone'] = privateServices;
        counts['azure-native:privatedns:VirtualNetworkLink'] = privateServices;
        counts['azure-native:network:PrivateEndpoint'] = privateServices;
        counts['azure-native:network:PrivateDnsZoneGroup'] = privateServices;
    }
    return counts;
}

export function expectExactResources(run: ProgramRun, combination: Combination): void {
    expect(resourceCounts(run)).toEqual(expectedCounts(combination));
}

/**
 * The principal that runs `pulumi up` (getClientConfig's objectId when the config names none) reads the deployment
 * container, and nothing else: the one Storage Blob Data Reader assignment, scoped to that container, a child of
 * the storage component. Unnamed, the one running the program is a user (`az login`) unless azure-native has a client
 * id.
 */
export function expectDeployerReadsDeploymentContainer(
    run: ProgramRun,
    principal = { principalId: MOCK_DEPLOYER_OBJECT_ID, principalType: 'User' },
): void {
    const container = run.one('azure-native:storage:BlobContainer');
    expect(container.id).toMatch(
        /\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+\/blobServices\/default\/containers\/app-package$/,
    );
    expect(grantsOf(run).filter((g) => g.role === 'Storage Blob Data Reader')).toEqual([
        { role: 'Storage Blob Data Reader', scope: container.id, ...principal },
    ]);
    const assignment = run.one('azure-native:authorization:RoleAssignment', 'deployer');
    expect(assignment.inputs.roleDefinitionId).toMatch(/\/roleDefinitions\/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1$/);
    expect(assignment.name).toBe('storage-deployer-storage-blob-data-reader');
    expect(assignment.options.parent).toMatch(/::durable-hello:infra:Storage::storage$/);
}

/** The host.json packaging derives for a backend, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function packagedHostJson(backend: DurableBackend): Record<string, any> {
    return JSON.parse(deployedHostJson(fs.readFileSync(path.join(APP_DIR, 'host.json'), 'utf8'), backend));
}

/** One file of a zip (local headers walked in order; the packaging writes no data descriptors). */
export function readZipEntry(zip: Buffer, name: string): Buffer {
    for (let at = 0; zip.readUInt32LE(at) === 0x04034b50;) {
        const method = zip.readUInt16LE(at + 8);
        const compressedSize = zip.readUInt32LE(at + 18);
        const nameLength = zip.readUInt16LE(at + 26);
        const extraLength = zip.readUInt16LE(at + 28);
        const dataStart = at + 30 + nameLength + extraLength;
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (zip.toString('utf8', at + 30, at + 30 + nameLength) === name) {
            return method === 8 ? inflateRawSync(data) : Buffer.from(data);
        }
        at = dataStart + compressedSize;
    }
    throw new Error(`${name} not found in the zip`);
}

/** The host.json inside the package the program deployed (the OneDeploy resource's zip). */
export function deployedHostJsonOf(run: ProgramRun): Record<string, unknown> {
    const zipPath: string = run.one(ONE_DEPLOY).inputs.packagePath;
    return JSON.parse(readZipEntry(fs.readFileSync(zipPath), 'host.json').toString('utf8'));
}

/** sha256 of the package built for a backend, to compare with what the program deployed. */
export function packageSha256(backend: DurableBackend): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-'));
    try {
        return buildPackage({ appDir: APP_DIR, outFile: path.join(dir, 'app.zip'), durableBackend: backend }).sha256;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Storage's network exposure: open for the public option, private endpoints only when isolated. */
export function expectStorageExposure(run: ProgramRun, network: 'public' | 'isolated'): void {
    const account = run.one('azure-native:storage:StorageAccount').inputs;
    if (network === 'isolated') {
        expect(account).toMatchObject({
            publicNetworkAccess: 'Disabled',
            networkRuleSet: { defaultAction: 'Deny', bypass: 'None' },
        });
    } else {
        expect(account).toMatchObject({ publicNetworkAccess: 'Enabled', networkRuleSet: { defaultAction: 'Allow' } });
    }
}

/** The security policy pack on the program's resources (as the engine hands them over: autonamed sites). */
export function policyViolations(run: ProgramRun): Promise<Violation[]> {
    return evaluate(
        run.custom.map((r) => ({
            type: r.type,
            name: r.name,
            props: r.type === 'azure-native:web:WebApp' ? { ...r.inputs, name: r.state.name } : r.inputs,
        })),
    );
}

/**
 * What the site sends, after the SDK's defaults and the program's transformations (the mocks receive exactly
 * what the engine would): only the siteConfig keys the program means, nothing Flex rejects or deprecates.
 */
export function expectSiteSentAsFlexAccepts(run: ProgramRun): void {
    const site = run.one('azure-native:web:WebApp').inputs;
    expect(Object.keys(site.siteConfig).sort()).toEqual([...SENT_SITE_CONFIG_KEYS].sort());
    expect(rejectedSiteConfigIn(site.siteConfig)).toEqual([]);
    const settingNames = site.siteConfig.appSettings.map((s: { name: string }) => s.name);
    expect(settingNames.filter((name: string) => DEPRECATED_APP_SETTINGS[name])).toEqual([]);
}

/** The basic-auth policies are never deleted on their own (a delete PUTs allow: true): they go with the site. */
export function expectBasicAuthOffUntilSiteIsGone(run: ProgramRun): void {
    const site = run.one('azure-native:web:WebApp');
    for (const type of ['azure-native:web:WebAppFtpAllowed', 'azure-native:web:WebAppScmAllowed']) {
        expect(run.one(type).options).toMatchObject({ retainOnDelete: true, deletedWith: site.urn });
    }
    expect(site.urn).toMatch(/FunctionApp\$azure-native:web:WebApp::app-func$/);
}
