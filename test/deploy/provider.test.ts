import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { scmHostFor } from '../../infra/deployment/appDeployment';
import { FUNCTIONS_API_VERSION } from '../../infra/deployment/functionCheck';
import {
    checkInputs,
    diffDeployment,
    oneDeployProvider,
    runDeployment,
    type DeploymentInputs,
} from '../../infra/deployment/provider';
import { ALL_FUNCTIONS, FakeArm, SITE_ID } from './fakeArm';
import { DEPLOYMENT_ID, FakeScm, virtualClock } from './fakeScm';
import { tokenForScope } from './fakeServer';
import { FakeStorage } from './fakeStorage';
import { asPulumiRunsIt } from '../support/serializedProvider';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const deployed: DeploymentInputs & { deploymentId: string } = {
    appName: 'func-hello',
    scmHost: 'func-hello.scm.azurewebsites.net',
    deploymentContainerUrl: 'https://sthello1234.blob.core.windows.net/app-package',
    packagePath: '/home/dev/repo/dist/app.zip',
    packageSha256: sha('v1'),
    siteId: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-hello/providers/Microsoft.Web/sites/func-hello',
    expectedFunctions: ['processOrder', 'reserveStock', 'startWorkflow'],
    deploymentId: 'abc',
};

describe('the deployment resource diff', () => {
    it('has no changes when the sha256 is the same, even from another checkout path', () => {
        expect(diffDeployment(deployed, { ...deployed, packagePath: '/runner/work/repo/dist/app.zip' })).toEqual({
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it('updates in place when the sha256 changes', () => {
        expect(diffDeployment(deployed, { ...deployed, packageSha256: sha('v2') })).toEqual({
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it('replaces when the target app changes', () => {
        expect(
            diffDeployment(deployed, {
                ...deployed,
                appName: 'func-other',
                scmHost: 'func-other.scm.azurewebsites.net',
            }).replaces,
        ).toEqual(['appName', 'scmHost']);
    });

    it('redeploys the same package to a new deployment container (a replaced storage account or container is empty)', () => {
        const sameContainer = {
            ...deployed,
            deploymentContainerUrl: 'https://sthello1234.blob.core.windows.net/app-package',
        };
        expect(diffDeployment(deployed, sameContainer)).toEqual({
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
        const newAccount = {
            ...deployed,
            deploymentContainerUrl: 'https://sthello5678.blob.core.windows.net/app-package',
        };
        expect(diffDeployment(deployed, newAccount)).toEqual({
            changes: true,
            replaces: ['deploymentContainerUrl'],
            deleteBeforeReplace: false,
        });
        // State written before the container was an input: deploy once more rather than trust it.
        const { deploymentContainerUrl: _, ...older } = deployed;
        expect(diffDeployment(older, deployed)).toMatchObject({ changes: true, replaces: ['deploymentContainerUrl'] });
    });

    it('requires the deployment container', () => {
        expect(checkInputs({ ...deployed, deploymentContainerUrl: '' })).toEqual([
            { property: 'deploymentContainerUrl', reason: 'deploymentContainerUrl is required' },
        ]);
    });

    it('requires the site ARM id and the expected function names', () => {
        expect(
            checkInputs({ ...deployed, siteId: 'func-hello', expectedFunctions: [] }).map((f) => f.property),
        ).toEqual(['siteId', 'expectedFunctions']);
        expect(checkInputs({ ...deployed, expectedFunctions: ['hello world'] })).toEqual([
            expect.objectContaining({ property: 'expectedFunctions' }),
        ]);
    });

    it('rejects a sha256 that is not a hex digest', () => {
        expect(checkInputs({ ...deployed, packageSha256: 'latest' })).toEqual([
            expect.objectContaining({ property: 'packageSha256' }),
        ]);
        expect(checkInputs(deployed)).toEqual([]);
    });
});

describe('the provider as Pulumi runs it (serialized, then loaded from its text)', () => {
    let provider: pulumi.dynamic.ResourceProvider;
    let tmp: string;
    const savedEnv = process.env.AZURE_TOKEN_CREDENTIALS;

    beforeAll(async () => {
        provider = await asPulumiRunsIt(oneDeployProvider);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-test-'));
        fs.writeFileSync(path.join(tmp, 'app.zip'), 'zip bytes');
        // Only the environment credential (no variables set here): fails at once instead of probing IMDS or az.
        process.env.AZURE_TOKEN_CREDENTIALS = 'EnvironmentCredential';
    });
    afterAll(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
        if (savedEnv === undefined) delete process.env.AZURE_TOKEN_CREDENTIALS;
        else process.env.AZURE_TOKEN_CREDENTIALS = savedEnv;
    });

    it('diffs on the sha256 only', async () => {
        await expect(
            provider.diff!('id', deployed, { ...deployed, packagePath: '/elsewhere.zip' }),
        ).resolves.toMatchObject({ changes: false });
        await expect(provider.diff!('id', deployed, { ...deployed, packageSha256: sha('v2') })).resolves.toMatchObject({
            changes: true,
        });
    });

    it('refuses a zip whose bytes are not the planned package', async () => {
        const inputs = { ...deployed, packagePath: path.join(tmp, 'app.zip') };
        await expect(provider.create!(inputs)).rejects.toThrow(/has sha256 [0-9a-f]{64}, not the planned/);
    });

    it('asks @azure/identity for an App Service token, then a legacy ARM one, and says how to sign in when there is none', async () => {
        const inputs = { ...deployed, packagePath: path.join(tmp, 'app.zip'), packageSha256: sha('zip bytes') };
        // The provider shows its progress with pulumi.log, which prints to the console outside the engine.
        const console = jest.spyOn(global.console, 'log').mockImplementation(() => undefined);
        await expect(provider.create!(inputs)).rejects.toThrow(
            /^Could not get an Entra ID token for the SCM site; audiences tried: https:\/\/appservice\.azure\.com\/\.default \(no token: .*EnvironmentCredential.*\); https:\/\/management\.core\.windows\.net\/\/\.default \(no token: .*EnvironmentCredential.*az login/s,
        );
        expect(console.mock.calls.flat().join('\n')).toMatch(
            /func-hello: Token for https:\/\/appservice\.azure\.com\/\.default: no token: .*; trying https:\/\/management\.core\.windows\.net\/\/\.default/s,
        );
        console.mockRestore();
    });

    it('runs the whole serialized client against the fakes: publish, a lost record, latest, the package in the container, the function list', async () => {
        const serializedRun = await asPulumiRunsIt(runDeployment);
        const storage = await new FakeStorage().start();
        const scm = await new FakeScm({
            audiences: ['https://management.core.windows.net/'],
            pollsUntilDone: 2,
            recycleAfterPolls: 1,
            storage,
        }).start();
        const arm = await new FakeArm({ whileIndexing: ['empty'] }).start();
        try {
            const inputs = { ...deployed, packagePath: path.join(tmp, 'app.zip'), packageSha256: sha('zip bytes') };
            const time = virtualClock();
            const overrides = {
                scmBaseUrl: scm.baseUrl,
                armBaseUrl: arm.baseUrl,
                packageContainerUrl: storage.containerUrl,
                getToken: async (scope: string) => tokenForScope(scope),
                show: () => undefined,
                ...time,
            };
            const outputs = await serializedRun(inputs, overrides);
            expect(outputs).toMatchObject({ deploymentId: DEPLOYMENT_ID, status: 'success', functions: ALL_FUNCTIONS });
            expect(outputs.log).toContain(`is ours: sha256 ${sha('zip bytes')}`);
            expect(arm.requests.map((r) => r.path)).toEqual(
                Array(2).fill(`${SITE_ID}/functions?api-version=${FUNCTIONS_API_VERSION}`),
            );
        } finally {
            await Promise.all([scm.stop(), arm.stop(), storage.stop()]);
        }
    });

    it('deletes nothing: the app going away removes its code', async () => {
        await expect(provider.delete!('onedeploy-func-hello', deployed)).resolves.toBeUndefined();
    });
});

describe('scmHostFor', () => {
    it('puts .scm after the first label, for classic and unique default host names', () => {
        expect(scmHostFor('func-hello.azurewebsites.net')).toBe('func-hello.scm.azurewebsites.net');
        expect(scmHostFor('func-hello-bba3eahzb6a6agfk.eastus-01.azurewebsites.net')).toBe(
            'func-hello-bba3eahzb6a6agfk.scm.eastus-01.azurewebsites.net',
        );
        expect(() => scmHostFor('localhost')).toThrow(/not an app host name/);
    });
});
