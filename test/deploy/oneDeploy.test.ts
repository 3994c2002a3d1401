import { backoffDelay, deploy, deploymentIdFrom, PUBLISH_PATH, type DeployOptions } from '../../infra/deployment/oneDeploy';
import { DEPLOYMENT_ID, FAILURE_DETAIL, FakeScm, virtualClock, type FakeScmScript } from './fakeScm';

const TOKEN = 'eyJ0eXAi.test-token';
const zip = Buffer.from('PK\u0003\u0004 not really a zip, but bytes that must arrive unchanged \u00ff\u0000', 'latin1');

let scm: FakeScm;
afterEach(() => scm?.stop());

async function run(script: Partial<FakeScmScript>, overrides: Partial<DeployOptions> = {}) {
    scm = await new FakeScm({ token: TOKEN, ...script }).start();
    const time = virtualClock();
    const result = deploy({
        scmBaseUrl: scm.baseUrl,
        zip,
        getToken: async () => TOKEN,
        now: time.now,
        sleep: time.sleep,
        timeoutMs: 60_000,
        pollIntervalMs: 5_000,
        ...overrides,
    });
    return { result, time };
}

describe('One Deploy against a fake SCM site', () => {
    it('POSTs the zip bytes with the bearer token as Flex clients do (no remote build), then polls the returned deployment id until success', async () => {
        const { result } = await run({ pollsUntilDone: 2 });
        await expect(result).resolves.toMatchObject({ deploymentId: DEPLOYMENT_ID, statusText: 'Deployment successful.', publishAttempts: 1 });
        const [publish, ...polls] = scm.requests;
        expect(publish).toMatchObject({ method: 'POST', authorization: `Bearer ${TOKEN}`, contentType: 'application/zip' });
        expect(new URL(publish.path, 'https://x').searchParams.get('RemoteBuild')).toBe('false');
        expect(new URL(publish.path, 'https://x').searchParams.get('type')).toBe('zip');
        expect(publish.body.equals(zip)).toBe(true);
        expect(polls.map((p) => `${p.method} ${p.path} ${p.authorization}`)).toEqual(Array(3).fill(`GET /api/deployments/${DEPLOYMENT_ID} Bearer ${TOKEN}`));
    });

    it('reads a JSON-quoted id, and falls back to the Location when the publish names no deployment', async () => {
        await expect((await run({ publishAnswer: 'jsonId' })).result).resolves.toMatchObject({ pollUrl: `${scm.baseUrl}/api/deployments/${DEPLOYMENT_ID}` });
        await scm.stop();
        await expect((await run({ publishAnswer: 'location' })).result).resolves.toMatchObject({ pollUrl: expect.stringContaining('/api/deployments/latest?deployer=OneDeploy') });
        expect(deploymentIdFrom('<html>error</html>')).toBeUndefined();
    });

    it.each([
        ['cancelled', 'cancelled'],
        ['conflict', 'conflicted with another deployment'],
    ] as const)('fails at once, with the log, when Kudu reports the deployment %s', async (outcome, words) => {
        const { result, time } = await run({ outcome });
        await expect(result).rejects.toThrow(new RegExp(`Deployment ${DEPLOYMENT_ID} ${words} .*Starting deployment pipeline`, 's'));
        expect(time.clock.slept).toEqual([5_000]);
    });

    it('accepts a partial success (the package is live) and logs the deployment log', async () => {
        const lines: string[] = [];
        const { result } = await run({ outcome: 'partialSuccess' }, { log: (m) => lines.push(m) });
        await expect(result).resolves.toMatchObject({ deploymentId: DEPLOYMENT_ID, statusText: 'Partially succeeded.' });
        expect(lines.join('\n')).toContain(FAILURE_DETAIL);
    });

    it('retries a 403 (role assignment still propagating) with backoff, then succeeds', async () => {
        const { result, time } = await run({ publishFailures: [403, 503, 429] }, { retry: { baseDelayMs: 1_000, maxDelayMs: 3_000 } });
        await expect(result).resolves.toMatchObject({ publishAttempts: 4 });
        expect(scm.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
        expect(time.clock.slept.slice(0, 3)).toEqual([1_000, 2_000, 3_000]);
    });

    it('gives up after the bounded attempts with the last status in the message', async () => {
        const { result } = await run({ publishFailures: [403, 403, 403] }, { retry: { maxAttempts: 3 } });
        await expect(result).rejects.toThrow(/still failing after 3 attempts, last: HTTP 403 \(role assignment not propagated yet\?\) Forbidden/);
    });

    it('fails with the deployment log, including its details, when Kudu reports the deployment failed', async () => {
        const { result } = await run({ outcome: 'failed' });
        const error = await result.catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain(`Deployment ${DEPLOYMENT_ID} failed (Kudu status 3 'Deployment failed.')`);
        expect((error as Error).message).toContain('Starting deployment pipeline.');
        expect((error as Error).message).toContain(FAILURE_DETAIL);
    });

    it('times out naming the polled URL when the deployment never finishes', async () => {
        const { result, time } = await run({ pollsUntilDone: Infinity });
        const error = (await result.catch((e: Error) => e)) as Error;
        expect(error.message).toMatch(new RegExp(`^Timed out after 60 s waiting for the deployment to finish; polled http://127\\.0\\.0\\.1:\\d+/api/deployments/${DEPLOYMENT_ID},`));
        expect(error.message).toContain("last answer: status 1 'Building'");
        expect(time.clock.t - 1_000_000).toBeLessThanOrEqual(60_000);
    });

    it('stops at once with a clear message when the token is rejected', async () => {
        const { result } = await run({}, { getToken: async () => 'expired-or-wrong-audience' });
        await expect(result).rejects.toThrow(/rejected the Entra ID token \(HTTP 401\).*https:\/\/management\.azure\.com\/\.default/);
        expect(scm.requests.map((r) => r.path)).toEqual([PUBLISH_PATH]);
    });

    it('says how to sign in when no token can be obtained', async () => {
        const { result } = await run({}, { getToken: async () => Promise.reject(new Error('Please run az login')) });
        await expect(result).rejects.toThrow(/Could not get an Entra ID token .*Please run az login.*azure\/login \(OIDC\)/);
        expect(scm.requests).toHaveLength(0);
    });
});

describe('One Deploy input checks and backoff', () => {
    it('refuses a non-https SCM URL outside loopback, since the request carries a token', async () => {
        const time = virtualClock();
        await expect(deploy({ scmBaseUrl: 'http://func.scm.azurewebsites.net', zip, getToken: async () => TOKEN, ...time })).rejects.toThrow(/must use https/);
    });

    it('doubles the delay up to the cap and honours a longer Retry-After within it', () => {
        const policy = { maxAttempts: 10, baseDelayMs: 2_000, maxDelayMs: 60_000 };
        expect([1, 2, 3, 6, 9].map((a) => backoffDelay(a, policy))).toEqual([2_000, 4_000, 8_000, 60_000, 60_000]);
        expect(backoffDelay(1, policy, '30')).toBe(30_000);
        expect(backoffDelay(1, policy, '600')).toBe(60_000);
    });
});
