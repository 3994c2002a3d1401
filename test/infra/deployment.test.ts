import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks';
import { buildPackage, type AppManifest } from '../../infra/package';
import { manifestPathFor } from '../../infra/package/manifest';
import { INFRA_PROGRAM, runProgram, valueOf, type ProgramRun } from '../support/pulumiMocks';

const DEPLOYMENT_TYPE = 'pulumi-nodejs:dynamic/durable-hello:OneDeploy';

// The engine learns a resource's dependencies from its registration request; record them by name.
const dependencies = new Map<string, string[]>();
const register = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (
    this: MockMonitor,
    req: { getName(): string; getDependenciesList(): string[] },
    callback: Parameters<typeof register>[1],
) {
    dependencies.set(req.getName(), req.getDependenciesList());
    return register.call(this, req, callback);
};

let run: ProgramRun;
let program: Record<string, unknown>;
beforeAll(async () => {
    run = await runProgram({ location: 'swedencentral' });
    program = await import(INFRA_PROGRAM);
});
afterAll(() => {
    MockMonitor.prototype.registerResource = register;
});

describe('the code deployment in the program', () => {
    it('deploys the built package to the app through its SCM host, keyed on the zip sha256', () => {
        const deployment = run.one(DEPLOYMENT_TYPE);
        const site = run.one('azure-native:web:WebApp');
        expect(deployment.inputs).toMatchObject({
            appName: site.state.name,
            scmHost: `${site.state.name}.scm.azurewebsites.net`,
        });
        expect(deployment.inputs.packagePath).toMatch(/[/\\]dist[/\\]app\.zip$/);
        expect(deployment.inputs.packageSha256).toBe(
            createHash('sha256').update(fs.readFileSync(deployment.inputs.packagePath)).digest('hex'),
        );
    });

    it("finishes only once the site's function list shows exactly the functions of the package's manifest: the site's ARM id and the names are inputs", () => {
        const deployment = run.one(DEPLOYMENT_TYPE);
        const site = run.one('azure-native:web:WebApp');
        expect(deployment.inputs.siteId).toBe(site.id);
        expect(deployment.inputs.siteId).toMatch(
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/,
        );
        const manifest = JSON.parse(
            fs.readFileSync(manifestPathFor(deployment.inputs.packagePath), 'utf8'),
        ) as AppManifest;
        expect(manifest.functions.length).toBeGreaterThan(0);
        expect(deployment.inputs.expectedFunctions).toEqual(manifest.functions.map((f) => f.name));
    });

    it('deploys, for the default nodeVersion, the very package `npm run package` builds (same sha256: no redeploy)', () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'program-package-'));
        try {
            const cliDefault = buildPackage({
                appDir: path.resolve(__dirname, '../../app'),
                outFile: path.join(tmp, 'app.zip'),
            });
            expect(run.one(DEPLOYMENT_TYPE).inputs.packageSha256).toBe(cliDefault.sha256);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("redeploys when the app's deployment container changes: the container URL the site runs from is an input", () => {
        const deployment = run.one(DEPLOYMENT_TYPE);
        const site = run.one('azure-native:web:WebApp');
        const account = run.one('azure-native:storage:StorageAccount');
        expect(deployment.inputs.deploymentContainerUrl).toBe(site.inputs.functionAppConfig.deployment.storage.value);
        expect(deployment.inputs.deploymentContainerUrl).toBe(
            `https://${account.state.name}.blob.core.windows.net/app-package`,
        );
    });

    it('waits for the function app, its publishing policies and every role assignment', () => {
        const urnOf = (type: string) => run.ofType(type).map((r) => expect.stringMatching(new RegExp(`::${r.name}$`)));
        const deps = dependencies.get(run.one(DEPLOYMENT_TYPE).name) ?? [];
        expect(deps).toEqual(
            expect.arrayContaining([
                ...urnOf('azure-native:web:WebApp'),
                ...urnOf('azure-native:web:WebAppScmAllowed'),
                ...urnOf('azure-native:authorization:RoleAssignment'),
            ]),
        );
        // The app identity's four, and the deployer's read on the deployment container (the package check).
        expect(run.ofType('azure-native:authorization:RoleAssignment')).toHaveLength(5);
    });

    it("produces the API base URL and the starter's key only after the deployment", async () => {
        for (const output of ['apiBaseUrl', 'starterKey']) {
            const value = program[output] as pulumi.Output<string>;
            const resources = await (
                value as unknown as { allResources(): Promise<Set<pulumi.Resource>> }
            ).allResources();
            const urns = await Promise.all([...resources].map((r) => valueOf(r.urn)));
            expect(urns).toEqual(expect.arrayContaining([expect.stringContaining(`${DEPLOYMENT_TYPE}::`)]));
        }
    });
});
