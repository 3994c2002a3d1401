import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectedFunctionsOf } from '../../infra/deployment/appDeployment';
import { runDeployment, type DeploymentInputs } from '../../infra/deployment/provider';
import { buildPackage, type BuiltPackage } from '../../infra/package';
import { FakeArm, SITE_ID } from './fakeArm';
import { DEPLOYMENT_ID, FakeScm, virtualClock } from './fakeScm';
import { tokenForScope } from './fakeServer';

/**
 * This repository's app, whatever it is: the deployment waits for exactly the functions its package's
 * manifest lists (the names come from the built app, not from a list kept by hand). Runs on the changed
 * app in the "make it yours" test too.
 */
const appDir = path.join(__dirname, '..', '..', 'app');

let tmp: string;
let pkg: BuiltPackage;
let scm: FakeScm | undefined;
let arm: FakeArm | undefined;
beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'app-manifest-deploy-'));
    pkg = buildPackage({ appDir, outFile: path.join(tmp, 'app.zip') });
});
afterEach(async () => {
    await scm?.stop();
    await arm?.stop();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function deploy(listed: string[]) {
    scm = await new FakeScm({}).start();
    arm = await new FakeArm({ functions: listed, whileIndexing: ['empty', 'hostError'] }).start();
    const inputs: DeploymentInputs = {
        appName: 'func-app',
        scmHost: 'func-app.scm.azurewebsites.net',
        deploymentContainerUrl: 'https://stapp1234.blob.core.windows.net/app-package',
        packagePath: pkg.path,
        packageSha256: pkg.sha256,
        siteId: SITE_ID,
        expectedFunctions: expectedFunctionsOf(pkg.manifest),
    };
    const time = virtualClock();
    const shown: string[] = [];
    const options = {
        scmBaseUrl: scm.baseUrl,
        armBaseUrl: arm.baseUrl,
        getToken: async (scope: string) => tokenForScope(scope),
        show: (m: string) => shown.push(m),
        sleep: time.sleep,
        now: time.now,
    };
    return { result: runDeployment(inputs, options), shown };
}

describe("the deployment of this repository's app", () => {
    it("waits for exactly the functions of the package's manifest, then finishes", async () => {
        const names = pkg.manifest.functions.map((f) => f.name);
        expect(expectedFunctionsOf(pkg.manifest)).toEqual(names);
        const { result, shown } = await deploy(names);
        await expect(result).resolves.toMatchObject({
            deploymentId: DEPLOYMENT_ID,
            status: 'success',
            functions: names,
        });
        expect(shown.join('\n')).toContain(`Waiting for the host to list ${names.join(', ')}`);
        expect(shown[shown.length - 1]).toBe(`The host lists the deployed functions: ${names.join(', ')}`);
    });

    it('does not finish while the host lists any function of the manifest short', async () => {
        const names = pkg.manifest.functions.map((f) => f.name);
        const missing = names[names.length - 1];
        const { result } = await deploy(names.slice(0, -1));
        await expect(result).rejects.toThrow(`still does not list the function(s) ${missing}`);
    });
});
