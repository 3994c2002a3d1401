import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildPackage } from '../../tools/package';
import { bundleApp } from '../../tools/package/bundle';
import { AppHarness } from '../support/loadApp';
import { readZip } from '../support/readZip';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

const repoRoot = path.join(__dirname, '..', '..');
const appDir = path.join(repoRoot, 'app');
const nodePaths = [path.join(repoRoot, 'node_modules')];
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let tmp: string;
beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('buildPackage on the real app', () => {
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
        expect(JSON.parse(entries.get('package.json')!.toString())).toEqual({ name: 'durable-hello-app', version: '1.0.0', private: true, main: 'index.js' });
        expect(JSON.parse(entries.get('host.json')!.toString())).toEqual(JSON.parse(fs.readFileSync(path.join(appDir, 'host.json'), 'utf8')));
    });

    it('bundles a file that, required with the worker-provided @azure/functions-core, registers exactly the three functions', async () => {
        const bundleFile = path.join(tmp, 'unzipped', 'index.js');
        fs.mkdirSync(path.dirname(bundleFile), { recursive: true });
        fs.writeFileSync(bundleFile, readZip(fs.readFileSync(pkg.path)).find((e) => e.name === 'index.js')!.data);
        require(bundleFile);
        expect(mockHarness.names()).toEqual(['hello', 'hello_orchestrator', 'http_start']);
        expect(mockHarness.core.registrations.get('hello_orchestrator')?.trigger.type).toBe('orchestrationTrigger');
        const greeting = await mockHarness.call('hello', { [mockHarness.triggerName('hello')]: { json: JSON.stringify('Tokyo') } });
        expect(greeting).toBe('Hello Tokyo');
    });
});

describe('the Node version the bundle targets', () => {
    it("follows the stack's nodeVersion; 22 (the default, and npm run package's) keeps the package's sha256", () => {
        const byDefault = buildPackage({ appDir, outFile: path.join(tmp, 'default.zip') });
        expect(buildPackage({ appDir, outFile: path.join(tmp, 'node22.zip'), nodeVersion: '22' }).sha256).toBe(byDefault.sha256);
        // Node 12 has no optional chaining, so esbuild lowers it: proof the version reaches esbuild.
        const count = (nodeVersion: string) => bundleApp({ appDir, nodeVersion }).code.toString().split('?.').length;
        expect(count('12')).toBeLessThan(count('22') - 10);
    });

    it('refuses a value that is not a Node major version', () => {
        expect(() => buildPackage({ appDir, outFile: path.join(tmp, 'x.zip'), nodeVersion: 'lts' })).toThrow("nodeVersion 'lts' must be a Node major version such as 22.");
    });
});

describe('buildPackage reproducibility', () => {
    const copy = () => path.join(tmp, 'app-copy');
    const build = (name: string) => buildPackage({ appDir: copy(), outFile: path.join(tmp, name), nodePaths });

    beforeAll(() => {
        fs.cpSync(path.join(appDir, 'src'), path.join(copy(), 'src'), { recursive: true });
        for (const file of ['host.json', 'package.json']) fs.copyFileSync(path.join(appDir, file), path.join(copy(), file));
    });

    it('gives byte-identical zips for the same sources, also after every file mtime changes; one changed byte changes the sha256', () => {
        const first = build('1.zip');
        const second = build('2.zip');
        expect(fs.readFileSync(second.path).equals(fs.readFileSync(first.path))).toBe(true);

        const later = new Date('2031-05-06T07:08:09Z');
        for (const entry of fs.readdirSync(copy(), { recursive: true, withFileTypes: true })) {
            if (entry.isFile()) fs.utimesSync(path.join(entry.parentPath, entry.name), later, later);
        }
        expect(build('3.zip').sha256).toBe(first.sha256);

        const hello = path.join(copy(), 'src', 'functions', 'hello.ts');
        fs.writeFileSync(hello, fs.readFileSync(hello, 'utf8').replace("'Hello '", "'Hallo '"));
        const changed = build('4.zip');
        expect(changed.sha256).not.toBe(first.sha256);
        expect(readZip(fs.readFileSync(changed.path)).find((e) => e.name === 'index.js')!.data.toString()).toContain('Hallo ');
    });

    it('says what is wrong when the folder is not a function app', () => {
        expect(() => buildPackage({ appDir: tmp, outFile: path.join(tmp, 'x.zip') })).toThrow(/host.json not found/);
    });
});
