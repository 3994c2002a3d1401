import * as os from 'node:os';
import * as path from 'node:path';
import { runHello } from '../../tools/bench/helloClient';
import { startHostProcess, type RunningHost } from '../../tools/bench/hostProcess';
import { azureRefusals, generateRequests } from './generate';
import { sendAll } from './send';

/**
 * A few hundred seeded hostile requests (random methods, paths under /api and the Durable webhooks,
 * huge and malformed JSON, odd headers, unknown instance ids, traversal, unicode, long URLs) against
 * the local host's real process on loopback. The host must answer each with 2xx/4xx, stay up, and still
 * run a hello orchestration to completion afterwards.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? 20261125);
const COUNT = 300;
let host: RunningHost;

beforeAll(async () => {
    host = await startHostProcess(path.resolve(__dirname, '../..'));
});

afterAll(async () => {
    await host?.stop();
});

it(`answers ${COUNT} hostile requests (seed ${SEED}) with 2xx/4xx only, stays up, and still completes a hello`, async () => {
    const port = Number(new URL(host.baseUrl).port);
    const outcomes = await sendAll(port, generateRequests(COUNT, SEED), 12);

    const bad = outcomes.filter(
        (o) => o.error !== undefined || o.status === undefined || o.status < 200 || o.status >= 500,
    );
    expect(bad.map((o) => `${o.label} → ${o.error ?? o.status}`)).toEqual([]);
    expect(host.child.exitCode).toBeNull();
    // No answer names a place on this machine: not the data directory, the repository or the home/temp folders.
    const places = [host.data, path.resolve(__dirname, '../..'), os.tmpdir(), os.homedir()];
    const leaks = outcomes.filter((o) =>
        places.some((p) => o.body?.includes(p) || o.body?.includes(JSON.stringify(p).slice(1, -1))),
    );
    expect(leaks.map((o) => `${o.label} → ${o.status} ${o.body?.slice(0, 300)}`)).toEqual([]);
    // The product's app is enough to try it: what Azure's client refuses (ids, keys, JSON past its depth) answers 400.
    const refusals = azureRefusals();
    const refused = await sendAll(port, refusals, 4);
    expect(refused.map((o) => `${o.label} → ${o.status}`)).toEqual(refusals.map((r) => `${r.label} → ${r.expected}`));
    // The mix reached both success and rejection paths.
    expect(new Set(outcomes.map((o) => Math.floor(o.status! / 100)))).toEqual(new Set([2, 4]));

    // runHello throws unless the hello reaches Completed with the exact output.
    await runHello(host.baseUrl, 5);
});
