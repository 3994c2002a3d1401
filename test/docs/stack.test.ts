import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readConfig } from '../../infra/config';
import { policies } from '../../infra/policy/policies';
import { buildDashboard } from '../../tools/local-host/dashboard/serve';
import { expectedCounts } from '../infra/combinations';
import { allDocs, codeSpans, prose, readDoc, REPO_ROOT, section, tableRows } from './docs';

const deploy = readDoc('docs/deploy.md');

/** Every key readConfig asks for, with each option on (and off), so keys read only under an option count too. */
function keysReadConfigReads(): string[] {
    const asked = new Set<string>();
    const everyOption: Record<string, string> = {
        location: 'swedencentral',
        durableBackend: 'durableTaskScheduler',
        dtsSku: 'Dedicated',
        dashboardPrincipalId: '00000000-0000-4000-8000-000000000009',
        network: 'isolated',
    };
    for (const values of [everyOption, { location: 'swedencentral' }]) {
        readConfig({ get: (key) => (asked.add(key), values[key]) }, 'dev');
    }
    return [...asked].sort();
}

/** Names in the first column of a table, each cell possibly naming several (`a`, `b`). */
const firstColumnNames = (markdown: string, header: string): string[] =>
    tableRows(markdown, header)
        .flatMap((row) => codeSpans(row[0]))
        .sort();

const exportedOutputs = (): string[] =>
    [...fs.readFileSync(path.join(REPO_ROOT, 'infra', 'index.ts'), 'utf8').matchAll(/^export const (\w+)/gm)]
        .map((m) => m[1])
        .sort();

describe('the stack as documented in docs/ matches the program', () => {
    it('documents exactly the config keys the program reads, with their defaults', () => {
        expect(firstColumnNames(section(deploy, 'Config keys'), 'config key')).toEqual(keysReadConfigReads());
        const defaults = readConfig({ get: (key) => (key === 'location' ? 'swedencentral' : undefined) }, 'dev');
        const rows = tableRows(section(deploy, 'Config keys'), 'config key');
        const defaultOf = (key: string): string => rows.find((row) => row[0] === `\`${key}\``)![1];
        for (const key of [
            'maximumInstanceCount',
            'instanceMemoryMB',
            'nodeVersion',
            'starterAuthLevel',
            'durableBackend',
            'network',
        ] as const) {
            expect(codeSpans(defaultOf(key))).toEqual([String(defaults[key])]);
        }
    });

    it('documents exactly the outputs the program exports', () => {
        expect(firstColumnNames(section(deploy, 'Outputs'), 'output')).toEqual(exportedOutputs());
    });

    it('reads only outputs that exist and sets only config keys that exist', () => {
        const text = allDocs();
        const outputs = exportedOutputs();
        const keys = keysReadConfigReads();
        const read = [...text.matchAll(/pulumi stack output (\w+)/g)].map((m) => m[1]);
        const set = [...text.matchAll(/pulumi config (?:set|rm) (?:--path )?(\w+)/g)].map((m) => m[1]);
        expect(read.length).toBeGreaterThan(2);
        expect(set.length).toBeGreaterThan(3);
        expect(read.filter((o) => !outputs.includes(o))).toEqual([]);
        expect(set.filter((k) => !keys.includes(k))).toEqual([]);
    });

    it('lists every policy of the pack, and no other', () => {
        expect(firstColumnNames(readDoc('docs/security.md'), 'policy')).toEqual(policies.map((p) => p.name).sort());
    });

    it("counts each production option's resources as the program creates them", () => {
        const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
        const row = tableRows(readDoc('docs/production-options.md'), '|').find((r) => r[0].startsWith('resources'))!;
        const numbers = (cell: string): number[] => [...cell.matchAll(/\d+/g)].map((m) => Number(m[0]));
        expect(numbers(row[1])).toEqual([total(expectedCounts({ backend: 'azureStorage', network: 'public' }))]);
        expect(numbers(row[2])).toEqual([
            total(expectedCounts({ backend: 'durableTaskScheduler', network: 'public' })),
            total(expectedCounts({ backend: 'durableTaskScheduler', network: 'public', extraRoleAssignments: 1 })),
        ]);
        expect(numbers(row[3])).toEqual([
            total(expectedCounts({ backend: 'azureStorage', network: 'isolated' })),
            total(expectedCounts({ backend: 'durableTaskScheduler', network: 'isolated' })),
        ]);
    });

    it("gives the local dashboard's size as served", async () => {
        const assets = await buildDashboard();
        const bytes = (name: string): number => assets.get(name)!.body.length;
        const kib = (n: number): string => (n / 1024).toFixed(1);
        const total = [...assets.values()].reduce((sum, a) => sum + a.body.length, 0);
        const gzipped = [...assets.values()].reduce((sum, a) => sum + gzipSync(a.body).length, 0);
        const n = (value: number): string => value.toLocaleString('en-US');
        const dashboard = section(readDoc('docs/local-host.md'), 'Dashboard').replace(/\s+/g, ' ');
        expect(dashboard).toContain(
            `Served: ${kib(total)} KiB in all (HTML ${n(bytes(''))} B, CSS ${n(bytes('dashboard.css'))} B, JS ${n(bytes('dashboard.js'))} B; ${kib(gzipped)} KiB gzipped)`,
        );
        expect(dashboard).toContain(`(${kib(total)} KiB, live)`);
    });

    it('justifies every dependency of the root package, the app and the tools in the dependencies table', () => {
        const manifest = (file: string) =>
            JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<
                string,
                Record<string, string> | undefined
            >;
        const workspaces = manifest('package.json').workspaces as unknown as string[];
        const external = (name: string) => !name.startsWith('@durable-hello/');
        const names = ['package.json', ...workspaces.map((w) => `${w}/package.json`)].flatMap((f) => [
            ...Object.keys(manifest(f).dependencies ?? {}),
            ...Object.keys(manifest(f).devDependencies ?? {}),
        ]);
        const listed = firstColumnNames(prose(section(readDoc('docs/layout.md'), 'Dependencies and why')), 'package');
        expect([...new Set(names)].filter((name) => external(name) && !listed.includes(name))).toEqual([]);
    });
});
