import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectedFunctionsOf } from '../../infra/deployment/appDeployment';
import { runDeployment } from '../../infra/deployment/provider';
import type { AppManifest } from '../../infra/package';
import { FakeArm, SITE_ID } from '../deploy/fakeArm';
import { DEPLOYMENT_ID, FakeScm, virtualClock } from '../deploy/fakeScm';
import { tokenForScope } from '../deploy/fakeServer';
import { httpJson, REPO_ROOT, startLocalHost, type LocalHost } from '../support/localHost';
import { applyChange, NEW_FUNCTIONS, NEW_ORCHESTRATORS, SMOKE } from './change';

/**
 * docs/your-workflow.md, "Make it yours", on a copy of this repository: hello replaced by a team's own
 * workflow (step numbers as on that page), with edits only in app/ and test/app/. Then, in the copy, what a
 * team runs: the app's type-check, the test suites that depend on the app, the package step, the deployment
 * against fake Kudu and ARM, and the smoke check against the local host. Nothing outside app/ and test/app/
 * may need to change for any of it to pass.
 */
jest.setTimeout(300_000);

let copy: string;
let touched: string[];
const run = (command: string, args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
            command,
            args,
            { cwd: copy, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
            (err, stdout, stderr) => {
                resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` });
            },
        );
    });
const node = (script: string, ...args: string[]) => run(process.execPath, [path.join(copy, script), ...args]);

/** The repository as a fresh clone has it (tracked files, and new ones not ignored), node_modules linked. */
function copyRepository(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'make-it-yours-'));
    const files = require('node:child_process')
        .execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT })
        .toString()
        .split('\0')
        .filter((file: string) => file !== '' && fs.existsSync(path.join(REPO_ROOT, file)));
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
    }
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    return dir;
}

/** Removes the folders under `dir` that hold no file, as a clone has none (node_modules is a link: left alone). */
function removeEmptyFolders(dir: string): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory()) removeEmptyFolders(path.join(dir, entry.name));
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

/**
 * The walk-through starts from the template's hello. Once a team has made app/ its own (this very change, in its
 * repository), there is no hello left to replace: the suite is skipped there, not failed.
 */
const fromTemplate = fs.existsSync(path.join(REPO_ROOT, 'app/src/functions/hello_orchestrator.ts'))
    ? describe
    : describe.skip;

fromTemplate('make it yours: hello replaced by your own workflow in a copy of the repository', () => {
    beforeAll(() => {
        copy = copyRepository();
        touched = applyChange(copy);
        // What the team commits and clones next: git keeps no empty folder.
        removeEmptyFolders(copy);
    });
    afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

    it('takes edits in app/ and test/app/ only (steps 1-6)', () => {
        expect(touched.filter((file) => !/^(app|test\/app)\//.test(file))).toEqual([]);
        expect(touched.length).toBeGreaterThan(8);
    });

    it('type-checks the app and passes the suites that depend on it: test/app, the deploy of its manifest, the program (step 7)', async () => {
        const [tsc, jest] = await Promise.all([
            node('node_modules/typescript/bin/tsc', '--noEmit', '-p', 'app'),
            node(
                'node_modules/jest/bin/jest.js',
                '--ci',
                '--maxWorkers=2',
                'test/app',
                'test/deploy/appManifest',
                'test/infra/deployment',
            ),
        ]);
        expect(tsc).toEqual({ code: 0, out: expect.any(String) });
        expect(jest.out).toMatch(/Tests: +\d+ passed, \d+ total/);
        expect(jest.out).toMatch(/Test Suites: +\d+ passed, \d+ total/);
        expect(jest.out).toContain('test/app/processOrder.test.ts');
        expect(jest.code).toBe(0);
    });

    let manifest: AppManifest;
    it('packages the new app: the manifest beside the zip lists exactly the new functions (step 9)', async () => {
        const packaged = await node('tools/package/run.js');
        expect(packaged).toMatchObject({ code: 0 });
        manifest = JSON.parse(fs.readFileSync(path.join(copy, 'dist', 'app.manifest.json'), 'utf8')) as AppManifest;
        expect(manifest.functions.map((f) => f.name)).toEqual(NEW_FUNCTIONS);
        expect(manifest.orchestrators).toEqual(NEW_ORCHESTRATORS);
        expect(manifest.functions.find((f) => f.name === 'stockLevel')).toMatchObject({
            kind: 'http',
            route: 'stock/{sku}',
            methods: ['GET'],
            authLevel: 'anonymous',
        });
    });

    it('deploys against fake Kudu and ARM, waiting for exactly the new functions, not for hello (step 10)', async () => {
        const deploy = async (listed: string[]) => {
            const [scm, arm] = await Promise.all([new FakeScm({}).start(), new FakeArm({ functions: listed }).start()]);
            const time = virtualClock();
            try {
                const zip = path.join(copy, 'dist', 'app.zip');
                const sha256 = require('node:crypto')
                    .createHash('sha256')
                    .update(fs.readFileSync(zip))
                    .digest('hex') as string;
                const inputs = {
                    appName: 'func-team',
                    scmHost: 'func-team.scm.azurewebsites.net',
                    deploymentContainerUrl: 'https://stteam.blob.core.windows.net/app-package',
                    packagePath: zip,
                    packageSha256: sha256,
                    siteId: SITE_ID,
                    expectedFunctions: expectedFunctionsOf(manifest),
                };
                const deps = {
                    scmBaseUrl: scm.baseUrl,
                    armBaseUrl: arm.baseUrl,
                    getToken: async (scope: string) => tokenForScope(scope),
                    show: () => undefined,
                    sleep: time.sleep,
                    now: time.now,
                };
                return await runDeployment(inputs, deps);
            } finally {
                await Promise.all([scm.stop(), arm.stop()]);
            }
        };
        await expect(deploy(NEW_FUNCTIONS)).resolves.toMatchObject({
            deploymentId: DEPLOYMENT_ID,
            status: 'success',
            functions: NEW_FUNCTIONS,
        });
        await expect(deploy(['hello', 'hello_orchestrator', 'http_start'])).rejects.toThrow(
            'still does not list the function(s) greetCities, greetCity, processOrder, reserveStock, stockLevel',
        );
    });

    describe('on the local host (step 8)', () => {
        let host: LocalHost;
        beforeAll(async () => {
            host = await startLocalHost({ repoRoot: copy, timeoutMs: 60_000 });
        });
        afterAll(async () => {
            await host?.stop();
        });

        it("passes the app's own smoke check, npm run smoke as the pipeline runs it", async () => {
            const smoke = await node('tools/smoke/run.js', `${host.url}/api`, '--interval', '0.2', '--timeout', '60');
            expect(smoke.out).toContain(`completed with ${JSON.stringify(SMOKE.expectedOutput)}`);
            expect(smoke.code).toBe(0);
        });

        it('starts the df.app.orchestration orchestration through the starter, answers a typo with the real orchestrators, serves the new HTTP function', async () => {
            expect((await httpJson('POST', `${host.url}/api/orchestrators/greetCities`, ['Turku'])).status).toBe(202);
            const typo = await httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`);
            expect(typo).toMatchObject({ status: 404, body: { knownOrchestrators: NEW_ORCHESTRATORS } });
            expect(await httpJson('GET', `${host.url}/api/stock/bike`)).toMatchObject({
                status: 200,
                body: { sku: 'bike', available: 10 },
            });
        });
    });
});
