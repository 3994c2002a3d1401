import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadTestApp } from '../../tools/testing';
import { httpJson, pollStatus, startLocalHost } from '../support/localHost';
import {
    appWith,
    inBatches,
    minorsInRange,
    pairName,
    pairsFor,
    parseRange,
    publishedVersions,
    PROGRAMMING_MODEL,
    REPO_ROOT,
    type Pair,
} from './supportRange';

/**
 * The support range the local host and the test kit declare (their package.json peerDependencies), proved:
 * every minor of durable-functions and of @azure/functions in it, from the npm registry (the newest patch of
 * each, beside the other library's newest), runs the same small app (test/apps/support-range) to the same
 * result on the local host and in the kit. Installs are kept in .cache/support-range/.
 */

const TOOLS_WITH_A_RANGE = ['tools/local-host', 'tools/testing', 'tools/replay-check'];
const peers = (tool: string) =>
    (
        JSON.parse(readFileSync(path.join(REPO_ROOT, tool, 'package.json'), 'utf8')) as {
            peerDependencies: Record<string, string>;
        }
    ).peerDependencies;

/** What the app returns for ['A', 'B'], as durable-functions reports it (the caught activity failure included). */
const EXPECTED = ['Hello, A!', 'Hello, B!', "caught: Activity function 'fail' failed: boom", 'count: 3'];

const pairs: Pair[] = [];
const apps = new Map<Pair, string>();

beforeAll(async () => {
    const minors = Object.fromEntries(
        await Promise.all(
            PROGRAMMING_MODEL.map(async (library) => [
                library,
                minorsInRange(await publishedVersions(library), parseRange(peers('tools/local-host')[library])),
            ]),
        ),
    );
    pairs.push(...pairsFor(minors));
    // Cold (a fresh clone), each pair is an npm install from the registry; warm, a read of two package.json files.
    const dirs = await inBatches(pairs, 4, appWith);
    pairs.forEach((pair, i) => apps.set(pair, dirs[i]));
}, 600_000);

it('declares one range for durable-functions and @azure/functions in every tool that runs an app', () => {
    const ranges = TOOLS_WITH_A_RANGE.map(peers);
    for (const range of ranges) expect(range).toEqual(ranges[0]);
    expect(Object.keys(ranges[0]).sort()).toEqual([...PROGRAMMING_MODEL].sort());
});

it('covers every minor in the range, including the versions the app uses', () => {
    const app = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'app/package.json'), 'utf8')) as { dependencies: Pair })
        .dependencies;
    for (const library of PROGRAMMING_MODEL) {
        const minors = new Set(pairs.map((pair) => pair[library].split('.').slice(0, 2).join('.')));
        expect(minors).toContain(app[library].split('.').slice(0, 2).join('.'));
        expect(minors.size).toBeGreaterThan(1);
    }
});

it('runs the app to the same result in the kit and on the local host with every pair', async () => {
    const results = await inBatches(pairs, 2, async (pair) => {
        const dir = apps.get(pair)!;
        const kit = await loadTestApp(dir);
        let inKit: unknown;
        try {
            const run = await kit.runOrchestration('greetAll', { input: ['A', 'B'] });
            inKit = [run.runtimeStatus, run.output];
        } finally {
            await kit.close();
        }
        const host = await startLocalHost({ app: dir });
        try {
            const started = await httpJson('POST', `${host.url}/api/start/greetAll`, ['A', 'B']);
            const status = started.status === 202 ? await pollStatus(started.body.statusQueryGetUri) : undefined;
            return { pair: pairName(pair), inKit, onHost: [started.status, status?.runtimeStatus, status?.output] };
        } finally {
            await host.stop();
        }
    });
    expect(results).toEqual(
        pairs.map((pair) => ({
            pair: pairName(pair),
            inKit: ['Completed', EXPECTED],
            onHost: [202, 'Completed', EXPECTED],
        })),
    );
}, 600_000);
