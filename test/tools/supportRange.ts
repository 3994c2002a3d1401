import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(__dirname, '../..');
/** Git-ignored: the installed pairs are reused by the next run (an install is the slow part). */
export const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'support-range');
const FIXTURE = path.join(REPO_ROOT, 'test/apps/support-range');
export const PROGRAMMING_MODEL = ['durable-functions', '@azure/functions'] as const;
type Library = (typeof PROGRAMMING_MODEL)[number];

/** A declared support range, in the one form the tools use: `>=a.b.c <x.y.z`. */
export interface Range {
    min: number[];
    below: number[];
}

const parts = (version: string) => version.split('.').map(Number);
const compare = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

export function parseRange(text: string): Range {
    const match = /^>=(\d+\.\d+\.\d+) <(\d+\.\d+\.\d+)$/.exec(text);
    if (!match)
        throw new Error(
            `Support range '${text}' is not of the form '>=a.b.c <x.y.z': write it so, the support-range test reads it.`,
        );
    return { min: parts(match[1]), below: parts(match[2]) };
}

/** The newest patch of every minor in the range, stable releases only, oldest first. */
export function minorsInRange(versions: string[], range: Range): string[] {
    const newest = new Map<string, string>();
    for (const version of versions) {
        if (!/^\d+\.\d+\.\d+$/.test(version)) continue;
        const v = parts(version);
        if (compare(v, range.min) < 0 || compare(v, range.below) >= 0) continue;
        const minor = `${v[0]}.${v[1]}`;
        const kept = newest.get(minor);
        if (!kept || compare(v, parts(kept)) > 0) newest.set(minor, version);
    }
    return [...newest.values()].sort((a, b) => compare(parts(a), parts(b)));
}

function npm(args: string[]) {
    // Under `npm test` the npm that runs us; else the one on PATH.
    const cli = process.env.npm_execpath;
    return cli && /npm-cli\.js$/.test(cli)
        ? run(process.execPath, [cli, ...args], { maxBuffer: 16 << 20 })
        : run('npm', args, { maxBuffer: 16 << 20, shell: process.platform === 'win32' });
}

/** The registry's versions of a library; the last answer kept in the cache when the registry cannot be reached. */
export async function publishedVersions(library: Library): Promise<string[]> {
    const file = path.join(CACHE_DIR, `versions-${library.replace('/', '+')}.json`);
    try {
        const { stdout } = await npm(['view', library, 'versions', '--json']);
        mkdirSync(CACHE_DIR, { recursive: true });
        writeFileSync(file, stdout);
        return JSON.parse(stdout) as string[];
    } catch (err) {
        if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as string[];
        throw new Error(`npm view ${library} versions failed and nothing is cached: ${(err as Error).message}`);
    }
}

export interface Pair {
    'durable-functions': string;
    '@azure/functions': string;
}

/** Every minor of each library, each beside the other's newest in range. */
export function pairsFor(minors: Record<Library, string[]>): Pair[] {
    const newest = (library: Library) => minors[library][minors[library].length - 1];
    const pairs = [
        ...minors['durable-functions'].map((df) => ({
            'durable-functions': df,
            '@azure/functions': newest('@azure/functions'),
        })),
        ...minors['@azure/functions'].map((af) => ({
            'durable-functions': newest('durable-functions'),
            '@azure/functions': af,
        })),
    ];
    const seen = new Set<string>();
    return pairs.filter((pair) => !seen.has(pairName(pair)) && seen.add(pairName(pair)));
}

export const pairName = (pair: Pair) =>
    `durable-functions@${pair['durable-functions']} + @azure/functions@${pair['@azure/functions']}`;

const installedVersion = (dir: string, library: Library) => {
    const file = path.join(dir, 'node_modules', library, 'package.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
};

/** The fixture app with exactly this pair installed beside it (from the cache when it is there); returns its folder. */
export async function appWith(pair: Pair): Promise<string> {
    const dir = path.join(CACHE_DIR, `df-${pair['durable-functions']}_af-${pair['@azure/functions']}`);
    mkdirSync(dir, { recursive: true });
    for (const file of ['index.js', 'host.json']) copyFileSync(path.join(FIXTURE, file), path.join(dir, file));
    const manifest = {
        name: 'support-range-app',
        version: '1.0.0',
        private: true,
        main: 'index.js',
        dependencies: pair,
    };
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (PROGRAMMING_MODEL.every((library) => installedVersion(dir, library) === pair[library])) return dir;
    await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', dir]);
    for (const library of PROGRAMMING_MODEL) {
        if (installedVersion(dir, library) !== pair[library])
            throw new Error(`${library}@${pair[library]} did not install in ${dir}`);
    }
    return dir;
}

/** Runs `work` over `items`, `limit` at a time, in order of the results. */
export async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const lane = async () => {
        while (next < items.length) {
            const at = next++;
            results[at] = await work(items[at]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
    return results;
}
