import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadWorkflow, steps, workflowFiles } from './workflowRules';

interface Lock {
    lockfileVersion: number;
    packages?: Record<string, { version?: string; name?: string; hasInstallScript?: boolean; link?: boolean }>;
}
interface Pkg {
    allowScripts?: Record<string, unknown>;
}
const { reviewInstallScripts } = require('../../.github/scripts/check-install-scripts.js') as {
    reviewInstallScripts: (
        pkg: Pkg,
        lock: Lock,
    ) => { problems: string[]; decisions: { name: string; version: string; runs: boolean }[] };
};

const ROOT = path.join(__dirname, '..', '..');
const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T;
const lock = (packages: Lock['packages']): Lock => ({ lockfileVersion: 3, packages: { '': {}, ...packages } });
const withScript = (version: string) => ({ version, hasInstallScript: true });

describe('install scripts of this repository', () => {
    const { problems, decisions } = reviewInstallScripts(
        readJson<Pkg>('package.json'),
        readJson<Lock>('package-lock.json'),
    );

    it('every dependency install script is reviewed and every allowScripts entry is in use', () => {
        expect(problems).toEqual([]);
    });

    // esbuild's JS API finds its binary in the @esbuild/<platform> optional dependency (lib/npm/node-platform.ts,
    // generateBinPath); the postinstall only re-checks that and swaps bin/esbuild's JS shim for the binary.
    // @parcel/watcher's script builds only with npm_config_build_from_source; protobufjs's prints a version hint.
    it('denies all three: esbuild, @parcel/watcher and protobufjs work without them', () => {
        expect(decisions.map((d) => [d.name, d.runs]).sort()).toEqual([
            ['@parcel/watcher', false],
            ['esbuild', false],
            ['protobufjs', false],
        ]);
    });

    it('so CI and .ci/run check first and then install with --ignore-scripts (the same result on any npm)', () => {
        expect(decisions.filter((d) => d.runs)).toEqual([]); // approving one means dropping --ignore-scripts below
        const installs = workflowFiles().flatMap((f) =>
            Object.values(loadWorkflow(f).jobs).map((job) =>
                steps(job)
                    .map((s) => s.run ?? '')
                    .filter((r) => /check-install-scripts|npm ci/.test(r)),
            ),
        );
        for (const runs of installs.filter((r) => r.length > 0)) {
            expect(runs).toEqual(['node .github/scripts/check-install-scripts.js', 'npm ci --ignore-scripts']);
        }
        expect(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toMatch(
            /\nnode \.github\/scripts\/check-install-scripts\.js\nnpm ci --no-audit --no-fund --ignore-scripts\n/,
        );
    });
});

describe('check-install-scripts.js', () => {
    it('names an unreviewed script and the two commands that review it', () => {
        const { problems } = reviewInstallScripts({}, lock({ 'node_modules/sharp': withScript('0.34.1') }));
        expect(problems).toEqual([expect.stringContaining('sharp@0.34.1 has an install script nobody reviewed')]);
        expect(problems[0]).toContain('npm install-scripts approve sharp');
        expect(problems[0]).toContain('npm install-scripts deny sharp');
    });

    it('matches scoped, nested and aliased packages, by name or exact version', () => {
        const packages = {
            'node_modules/@scope/a': withScript('1.0.0'),
            'node_modules/x/node_modules/b': withScript('2.0.0'),
            'node_modules/alias': { ...withScript('3.0.0'), name: 'real' },
            'node_modules/no-script': { version: '1.0.0' },
        };
        const result = reviewInstallScripts(
            { allowScripts: { '@scope/a@1.0.0': true, b: false, 'real@3.0.0 || 3.0.1': true } },
            lock(packages),
        );
        expect(result.problems).toEqual([]);
        expect(result.decisions).toEqual([
            { name: '@scope/a', version: '1.0.0', runs: true },
            { name: 'b', version: '2.0.0', runs: false },
            { name: 'real', version: '3.0.0', runs: true },
        ]);
    });

    it('a pin for another version does not cover the installed one, and is reported as unused', () => {
        const { problems } = reviewInstallScripts(
            { allowScripts: { 'esbuild@0.27.0': true } },
            lock({ 'node_modules/esbuild': withScript('0.28.2') }),
        );
        expect(problems).toEqual([
            expect.stringContaining('esbuild@0.28.2 has an install script nobody reviewed'),
            expect.stringContaining('allowScripts["esbuild@0.27.0"] matches no installed package'),
        ]);
    });

    it('a denial wins over an approval, as in npm', () => {
        const { decisions } = reviewInstallScripts(
            { allowScripts: { esbuild: false, 'esbuild@0.28.2': true } },
            lock({ 'node_modules/esbuild': withScript('0.28.2') }),
        );
        expect(decisions).toEqual([{ name: 'esbuild', version: '0.28.2', runs: false }]);
    });

    it('rejects values other than true/false and ranges it cannot match exactly', () => {
        const { problems } = reviewInstallScripts(
            { allowScripts: { esbuild: 'yes', 'sharp@^0.34': true } },
            lock({ 'node_modules/esbuild': withScript('0.28.2'), 'node_modules/sharp': withScript('0.34.1') }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                expect.stringContaining('allowScripts["esbuild"] is "yes": use true'),
                expect.stringContaining('allowScripts["sharp@^0.34"]: name a package alone or with exact versions'),
            ]),
        );
    });

    it("ignores workspace links and the workspace folders themselves (their scripts are the project's own)", () => {
        const { problems } = reviewInstallScripts(
            {},
            lock({ app: withScript('1.0.0'), 'node_modules/app': { link: true, hasInstallScript: true } }),
        );
        expect(problems).toEqual([]);
    });

    it('explains a lockfile too old to list packages', () => {
        expect(() => reviewInstallScripts({}, { lockfileVersion: 1 })).toThrow(
            'lockfileVersion 1; run npm install with npm 9 or newer',
        );
    });
});
