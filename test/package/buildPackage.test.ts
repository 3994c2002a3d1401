import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInThisContext } from 'node:vm';
import { buildPackage } from '../../infra/package';
import { bundleApp } from '../../infra/package/bundle';
import { starterOf } from '../../infra/package/manifest';
import { AppHarness } from '../support/appHarness';
import { readZip } from '../../tools/bench/readZip';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

const repoRoot = path.join(__dirname, '..', '..');
/** The machinery's own fixture app (not hello): what the package step does must not depend on which app it packs. */
const appDir = path.join(repoRoot, 'test', 'apps', 'workflow');
const nodePaths = [path.join(repoRoot, 'node_modules')];
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let tmp: string;
beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('buildPackage', () => {
    let pkg: ReturnType<typeof buildPackage>;
    beforeAll(() => {
        pkg = buildPackage({ appDir, outFile: path.join(tmp, 'out', 'app.zip') });
    });

    it('writes a small zip of host.json, package.json and the bundle, and reports its real sha256', () => {
        expect(pkg.files).toEqual(['host.json', 'index.js', 'package.json']);
        expect(readZip(fs.readFileSync(pkg.path)).map((e) => e.name)).toEqual(pkg.files);
        expect(pkg.bytes).toBe(fs.statSync(pkg.path).size);
        expect(pkg.bytes).toBeLessThanOrEqual(300 * 1024);
        expect(pkg.sha256).toBe(sha256(pkg.path));
    });

    it("points package.json main at the bundle and ships the app's host.json", () => {
        const entries = new Map(readZip(fs.readFileSync(pkg.path)).map((e) => [e.name, e.data]));
        expect(JSON.parse(entries.get('package.json')!.toString())).toEqual({
            name: 'workflow-test-app',
            version: '2.1.0',
            private: true,
            main: 'index.js',
        });
        expect(JSON.parse(entries.get('host.json')!.toString())).toEqual(
            JSON.parse(fs.readFileSync(path.join(appDir, 'host.json'), 'utf8')),
        );
    });

    it('writes beside the zip a manifest of every function as the host indexes the bundle: trigger, kind, route, methods, auth level', () => {
        expect(pkg.manifestPath).toBe(path.join(tmp, 'out', 'app.manifest.json'));
        expect(JSON.parse(fs.readFileSync(pkg.manifestPath, 'utf8'))).toEqual({
            schema: 1,
            routePrefix: 'v1',
            functions: [
                { name: 'chargeCard', trigger: 'activityTrigger', kind: 'activity' },
                {
                    name: 'health',
                    trigger: 'httpTrigger',
                    kind: 'http',
                    route: 'health',
                    methods: ['GET', 'HEAD'],
                    authLevel: 'anonymous',
                },
                { name: 'nightlyReport', trigger: 'timerTrigger', kind: 'timer' },
                { name: 'processOrder', trigger: 'orchestrationTrigger', kind: 'orchestrator' },
                { name: 'reserveStock', trigger: 'activityTrigger', kind: 'activity' },
                {
                    name: 'startWorkflow',
                    trigger: 'httpTrigger',
                    kind: 'http',
                    route: 'workflows/{functionName}',
                    methods: ['POST'],
                    authLevel: 'function',
                    durableClient: true,
                },
                { name: 'stockLevel', trigger: 'entityTrigger', kind: 'entity' },
            ],
            orchestrators: ['processOrder'],
            activities: ['chargeCard', 'reserveStock'],
            entities: ['stockLevel'],
        });
        expect(pkg.manifest).toEqual(JSON.parse(fs.readFileSync(pkg.manifestPath, 'utf8')));
    });

    it('indexes with the app settings the stack gives the app, and leaves the environment as it was', () => {
        const anonymous = buildPackage({
            appDir,
            outFile: path.join(tmp, 'anon.zip'),
            appSettings: { WORKFLOW_AUTH_LEVEL: 'anonymous' },
        });
        expect(anonymous.manifest.functions.find((f) => f.name === 'startWorkflow')?.authLevel).toBe('anonymous');
        expect((runInThisContext('process') as NodeJS.Process).env.WORKFLOW_AUTH_LEVEL).toBeUndefined();
    });

    it('names the starter: the HTTP function with a durable client whose route takes {functionName}', () => {
        expect(starterOf(pkg.manifest)?.name).toBe('startWorkflow');
        expect(
            starterOf({ ...pkg.manifest, functions: pkg.manifest.functions.filter((f) => f.name !== 'startWorkflow') }),
        ).toBeUndefined();
    });

    it("bundles a file that, required with the worker-provided @azure/functions-core, registers exactly the manifest's functions", async () => {
        const bundleFile = path.join(tmp, 'unzipped', 'index.js');
        fs.mkdirSync(path.dirname(bundleFile), { recursive: true });
        fs.writeFileSync(bundleFile, readZip(fs.readFileSync(pkg.path)).find((e) => e.name === 'index.js')!.data);
        require(bundleFile);
        expect(mockHarness.names()).toEqual(pkg.manifest.functions.map((f) => f.name));
        const reserved = await mockHarness.call('reserveStock', {
            [mockHarness.triggerName('reserveStock')]: { json: JSON.stringify({ id: 'o1', items: 3 }) },
        });
        expect(reserved).toEqual({ reserved: 3, id: 'o1' });
    });

    it('refuses an app that registers no function, as the host would find 0 functions', () => {
        const empty = path.join(tmp, 'empty-app');
        fs.mkdirSync(path.join(empty, 'src', 'functions'), { recursive: true });
        for (const file of ['host.json', 'package.json'])
            fs.copyFileSync(path.join(appDir, file), path.join(empty, file));
        fs.writeFileSync(path.join(empty, 'src', 'functions', 'none.ts'), "import '@azure/functions';\n");
        expect(() => buildPackage({ appDir: empty, outFile: path.join(tmp, 'empty.zip'), nodePaths })).toThrow(
            /registers no functions/,
        );
    });
});

describe('the Node version the bundle targets', () => {
    it("follows the stack's nodeVersion; 22 (the default, and npm run package's) keeps the package's sha256", () => {
        const byDefault = buildPackage({ appDir, outFile: path.join(tmp, 'default.zip') });
        expect(buildPackage({ appDir, outFile: path.join(tmp, 'node22.zip'), nodeVersion: '22' }).sha256).toBe(
            byDefault.sha256,
        );
        // Node 12 has no optional chaining, so esbuild lowers it: proof the version reaches esbuild.
        const count = (nodeVersion: string) => bundleApp({ appDir, nodeVersion }).code.toString().split('?.').length;
        expect(count('12')).toBeLessThan(count('22') - 10);
    });

    it('refuses a value that is not a Node major version', () => {
        expect(() => buildPackage({ appDir, outFile: path.join(tmp, 'x.zip'), nodeVersion: 'lts' })).toThrow(
            "nodeVersion 'lts' must be a Node major version such as 22.",
        );
    });
});

describe('buildPackage reproducibility', () => {
    const copy = () => path.join(tmp, 'app-copy');
    const build = (name: string) => buildPackage({ appDir: copy(), outFile: path.join(tmp, name), nodePaths });

    beforeAll(() => {
        fs.cpSync(path.join(appDir, 'src'), path.join(copy(), 'src'), { recursive: true });
        for (const file of ['host.json', 'package.json'])
            fs.copyFileSync(path.join(appDir, file), path.join(copy(), file));
    });

    it('gives byte-identical zips and manifests for the same sources, also after every file mtime changes; one changed byte changes the sha256', () => {
        const first = build('1.zip');
        const second = build('2.zip');
        expect(fs.readFileSync(second.path).equals(fs.readFileSync(first.path))).toBe(true);
        expect(fs.readFileSync(second.manifestPath).equals(fs.readFileSync(first.manifestPath))).toBe(true);

        const later = new Date('2031-05-06T07:08:09Z');
        for (const entry of fs.readdirSync(copy(), { recursive: true, withFileTypes: true })) {
            if (entry.isFile()) fs.utimesSync(path.join(entry.parentPath, entry.name), later, later);
        }
        expect(build('3.zip').sha256).toBe(first.sha256);

        const orders = path.join(copy(), 'src', 'functions', 'orders.ts');
        fs.writeFileSync(orders, fs.readFileSync(orders, 'utf8').replace('`charged ', '`billed '));
        const changed = build('4.zip');
        expect(changed.sha256).not.toBe(first.sha256);
        expect(
            readZip(fs.readFileSync(changed.path))
                .find((e) => e.name === 'index.js')!
                .data.toString(),
        ).toContain('billed ');
    });

    it('says what is wrong when the folder is not a function app', () => {
        expect(() => buildPackage({ appDir: tmp, outFile: path.join(tmp, 'x.zip') })).toThrow(/host.json not found/);
    });
});
