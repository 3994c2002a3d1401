import { safeUrl } from '../../infra/deployment/http';
import { deploy, type DeployOptions } from '../../infra/deployment/oneDeploy';
import { ALL_FUNCTIONS, FakeArm, SITE_ID } from './fakeArm';
import { DEPLOYMENT_ID, FakeScm, virtualClock, type FakeScmScript } from './fakeScm';
import { tokenForScope, type Misbehaviour } from './fakeServer';
import { FakeStorage } from './fakeStorage';

/**
 * The deploy client against fakes that hang, trickle, stall the upload or reset the connection. Deadlines are short
 * (real milliseconds) and the clock between requests is virtual; the tests assert which deadline fired and on which
 * request, never how long anything took.
 */

const zip = Buffer.from('PK\u0003\u0004 the package');
// Short enough to keep the tests quick, long enough for a loopback answer on a busy machine.
const SHORT = { headersMs: 1_000, bodyIdleMs: 1_000, requestMs: 10_000 };
const POLL = `/api/deployments/${DEPLOYMENT_ID}`;
const isPoll = (method: string, path: string) => method === 'GET' && path === POLL;
const isPublish = (method: string, path: string) => method === 'POST' && path.startsWith('/api/publish');

let scm: FakeScm;
let arm: FakeArm;
let storage: FakeStorage;
afterEach(async () => {
    await Promise.all([scm?.stop(), arm?.stop(), storage?.stop()]);
});

interface Setup {
    scm?: FakeScmScript;
    misbehave?: {
        on: (method: string, path: string) => boolean;
        how: Misbehaviour;
        times?: number;
        server?: 'scm' | 'arm';
    };
    options?: Partial<DeployOptions>;
}

async function run({ scm: script = {}, misbehave, options = {} }: Setup = {}) {
    storage = await new FakeStorage().start();
    scm = await new FakeScm({ storage, ...script }).start();
    arm = await new FakeArm().start();
    if (misbehave) (misbehave.server === 'arm' ? arm : scm).misbehave(misbehave.on, misbehave.how, misbehave.times);
    const time = virtualClock();
    const lines: string[] = [];
    const result = deploy({
        scmBaseUrl: scm.baseUrl,
        armBaseUrl: arm.baseUrl,
        packageContainerUrl: storage.containerUrl,
        zip,
        getToken: async (scope) => tokenForScope(scope),
        functions: { siteId: SITE_ID, expected: ALL_FUNCTIONS, timeoutMs: 30_000 },
        now: time.now,
        sleep: time.sleep,
        timeoutMs: 10_000,
        pollIntervalMs: 5_000,
        deadlines: SHORT,
        log: (line) => lines.push(line),
        ...options,
    });
    return { result, time, lines };
}

const failure = async (result: Promise<unknown>) =>
    (
        await result.then(
            () => new Error('resolved'),
            (e: Error) => e,
        )
    ).message;

describe('a request that never answers', () => {
    it('is aborted at the connect/headers deadline, named with its method and URL, and the poll goes on', async () => {
        const { result, lines } = await run({
            scm: { pollsUntilDone: 0 },
            misbehave: { on: isPoll, how: { kind: 'hang' }, times: 1 },
        });
        await expect(result).resolves.toMatchObject({ status: 'success', decidedBy: 'kudu' });
        expect(scm.misbehaved).toEqual([`GET ${POLL} hang`]);
        expect(lines.join('\n')).not.toContain('network error');
    });

    it('that keeps hanging ends the poll at its deadline, the last answer naming the deadline that fired', async () => {
        const { result } = await run({ misbehave: { on: isPoll, how: { kind: 'hang' } } });
        const message = await failure(result);
        expect(message).toMatch(
            /^Timed out after 10 s waiting for the deployment to finish; polled \S+, last answer: GET http:\/\/127\.0\.0\.1:\d+\/api\/deployments\/5d7ec4e7-\S+: no response headers within the connect\/headers deadline \(1 s\)\./,
        );
    });

    it('is aborted in flight when the deployment’s overall deadline passes, even with generous per-request deadlines', async () => {
        const generous = { headersMs: 600_000, bodyIdleMs: 600_000, requestMs: 600_000 };
        const { result } = await run({
            misbehave: { on: isPublish, how: { kind: 'hang' } },
            options: { deadlines: generous, overallTimeoutMs: 400 },
        });
        expect(await failure(result)).toMatch(
            /^POST http:\/\/127\.0\.0\.1:\d+\/api\/publish\?RemoteBuild=false&Deployer=durable-hello-pulumi was in flight when the deployment's overall deadline \(400 ms\) passed; aborted it\.$/,
        );
    });

    it('is aborted in flight when the poll’s own deadline passes, and the timeout says so', async () => {
        const generous = { headersMs: 600_000, bodyIdleMs: 600_000, requestMs: 600_000 };
        const { result } = await run({
            misbehave: { on: isPoll, how: { kind: 'hang' } },
            options: { deadlines: generous, timeoutMs: 500 },
        });
        expect(await failure(result)).toMatch(
            /^Timed out after 500 ms waiting for the deployment to finish; polled \S+, last answer: no answer yet\. GET \S+ was in flight when the deadline of 500 ms for the deployment to finish passed; aborted it\.$/,
        );
    });

    it('in the function list is named in the error at the check’s bound', async () => {
        const { result } = await run({
            misbehave: { server: 'arm', on: (method) => method === 'GET', how: { kind: 'hang' } },
        });
        expect(await failure(result)).toMatch(
            /still does not list the function\(s\) processOrder, reserveStock, startWorkflow \(last answer from ARM: GET \S+\/functions\?api-version=2024-04-01: no response headers within the connect\/headers deadline \(1 s\)\)/,
        );
    });

    it('for a token ends at the token deadline, the credential gets the abort signal, and the message says which', async () => {
        const signals: AbortSignal[] = [];
        const getToken = (_scope: string, options?: { abortSignal?: AbortSignal }) => {
            signals.push(options!.abortSignal!);
            return new Promise<string>(() => undefined);
        };
        const { result } = await run({ options: { getToken, tokenTimeoutMs: 200 } });
        expect(await failure(result)).toMatch(
            /audiences tried: https:\/\/appservice\.azure\.com\/\.default \(no token: Entra ID token for https:\/\/appservice\.azure\.com\/\.default: no token within the token deadline \(200 ms\)\);/,
        );
        expect(signals.length).toBe(2);
        expect(signals.every((signal) => signal.aborted)).toBe(true);
        expect(scm.requests).toHaveLength(0);
    });
});

describe('a body that trickles or stalls', () => {
    it('a response trickling slower than the body-idle deadline is aborted by it', async () => {
        const { result } = await run({ misbehave: { on: isPoll, how: { kind: 'trickle', everyMs: 5_000 } } });
        expect(await failure(result)).toMatch(
            /last answer: GET \S+: no byte of the response body within the body-idle deadline \(1 s\)\./,
        );
    });

    it('a response trickling faster than the body-idle deadline is aborted by the request deadline', async () => {
        const { result } = await run({
            misbehave: { on: isPoll, how: { kind: 'trickle', everyMs: 20 } },
            options: { deadlines: { ...SHORT, requestMs: 2_000 } },
        });
        expect(await failure(result)).toMatch(/last answer: GET \S+: the request deadline passed \(2 s\)\./);
    });

    it('an upload the server stops reading is aborted by the body-idle deadline', async () => {
        // Larger than what the loopback socket buffers take without the server reading.
        const big = Buffer.alloc(16 * 1024 * 1024, 7);
        const uploadDeadlines = { headersMs: 10_000, bodyIdleMs: 1_000, requestMs: 60_000 };
        const { result } = await run({
            misbehave: { on: isPublish, how: { kind: 'stallUpload' } },
            options: { zip: big, uploadDeadlines, retry: { maxAttempts: 1 } },
        });
        expect(await failure(result)).toMatch(
            /still failing after 1 attempts, last: POST \S+\/api\/publish\?RemoteBuild=false&Deployer=durable-hello-pulumi: no byte of the request body written within the body-idle deadline \(1 s\)\./,
        );
        expect(scm.misbehaved).toEqual([expect.stringMatching(/^POST \/api\/publish\S* stallUpload$/)]);
    });
});

describe('a connection reset and the hints', () => {
    it('retries a reset connection, and the hint matches it (no "lasting 403")', async () => {
        const { result } = await run({
            misbehave: { on: isPublish, how: { kind: 'reset' } },
            options: { retry: { maxAttempts: 2 } },
        });
        const message = await failure(result);
        expect(message).toMatch(/still failing after 2 attempts, last: network error: fetch failed: ECONNRESET\./);
        expect(message).toContain('could not be reached or did not answer in time');
        expect(message).not.toContain('403');
    });

    it('names the platform, not a role, after lasting 503s', async () => {
        const { result } = await run({ scm: { publishFailures: [503, 503] }, options: { retry: { maxAttempts: 2 } } });
        const message = await failure(result);
        expect(message).toContain('The SCM site kept answering HTTP 503: Kudu or the platform is unavailable');
        expect(message).not.toContain('403');
    });

    it('names the role after lasting 403s', async () => {
        const { result } = await run({ scm: { publishFailures: [403, 403] }, options: { retry: { maxAttempts: 2 } } });
        expect(await failure(result)).toContain('A lasting 403 means the deploying identity lacks a role on the app');
    });
});

describe('Retry-After', () => {
    it('waits the delta-seconds asked, longer than the backoff', async () => {
        const { result, time, lines } = await run({
            scm: { publishFailures: [{ status: 503, headers: { 'Retry-After': '7' } }] },
        });
        await expect(result).resolves.toMatchObject({ publishAttempts: 2 });
        expect(time.clock.slept[0]).toBe(7_000);
        expect(lines[0]).toContain('retrying in 7000 ms, as its Retry-After asks');
    });

    it('waits until the HTTP-date asked, measured from the answer’s Date', async () => {
        const sent = new Date('2026-01-01T10:00:00Z');
        const at = new Date(sent.getTime() + 20_000);
        const { result, time } = await run({
            scm: {
                publishFailures: [
                    { status: 429, headers: { Date: sent.toUTCString(), 'Retry-After': at.toUTCString() } },
                ],
            },
        });
        await expect(result).resolves.toMatchObject({ publishAttempts: 2 });
        expect(time.clock.slept[0]).toBe(20_000);
    });

    it('does not retry beyond the 60 s cap, as azcore does, and says so', async () => {
        const { result, lines } = await run({
            scm: { publishFailures: [{ status: 429, headers: { 'Retry-After': '600' } }] },
        });
        const message = await failure(result);
        expect(message).toMatch(
            /failed after 1 attempt\(s\), last: HTTP 429 Try again; the server asked to retry after 600 s, beyond our 60 s cap: like azcore, not retried\. The SCM site kept throttling/,
        );
        expect(lines.join('\n')).toContain('beyond our 60 s cap: like azcore, not retried');
        expect(scm.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    it('spaces the status polls as a poll answer’s Retry-After asks, and stops at one beyond the cap', async () => {
        const busy = { status: 503, headers: { 'Retry-After': '8' } };
        const polled = await run({ scm: { pollsUntilDone: 0, pollFailures: [busy] } });
        await expect(polled.result).resolves.toMatchObject({ status: 'success', decidedBy: 'kudu' });
        expect(polled.time.clock.slept).toEqual([8_000]);
        expect(polled.lines.join('\n')).toMatch(
            /Polling \S+: HTTP 503 Service Unavailable; retrying in 8000 ms, as its Retry-After asks/,
        );
        await Promise.all([scm.stop(), arm.stop(), storage.stop()]);
        const { result } = await run({ scm: { pollFailures: [{ status: 429, headers: { 'Retry-After': '300' } }] } });
        expect(await failure(result)).toMatch(
            /^Polling \S+ stopped: the server asked to retry after 300 s, beyond our 60 s cap: like azcore, not retried; last answer: HTTP 429/,
        );
    });

    it('does not wait past the deployment’s overall deadline', async () => {
        const { result } = await run({
            scm: { publishFailures: [{ status: 503, headers: { 'Retry-After': '50' } }] },
            options: { overallTimeoutMs: 30_000 },
        });
        expect(await failure(result)).toContain(
            "waiting 50000 ms, as its Retry-After asks would pass the deployment's overall deadline (30 s): not retried",
        );
    });
});

describe('how a request is named in messages', () => {
    it('keeps the path and the harmless query parameters, and drops every other query value (a Location or nextLink may carry a token)', () => {
        expect(
            safeUrl('https://app.scm.azurewebsites.net/api/deployments/latest?deployer=OneDeploy&time=2025-01-01'),
        ).toBe('https://app.scm.azurewebsites.net/api/deployments/latest?deployer=…&time=…');
        expect(
            safeUrl(`https://management.azure.com${SITE_ID}/functions?api-version=2024-04-01&$skiptoken=secret`),
        ).toBe(`https://management.azure.com${SITE_ID}/functions?api-version=2024-04-01&$skiptoken=…`);
    });
});
