import {
    APP_SERVICE_SCOPE,
    ARM_SCOPE,
    backoffDelay,
    deploy,
    deploymentIdFrom,
    LEGACY_ARM_SCOPE,
    PUBLISH_PATH,
    type DeployOptions,
} from '../../infra/deployment/oneDeploy';
import { FUNCTIONS_API_VERSION } from '../../infra/deployment/functionCheck';
import { MAX_EARLY_404S } from '../../infra/deployment/poll';
import { ALL_FUNCTIONS, FakeArm, SITE_ID, type FakeArmScript } from './fakeArm';
import {
    DEPLOYMENT_ID,
    FAILURE_DETAIL,
    FakeScm,
    OTHER_DEPLOYMENT_ID,
    virtualClock,
    type FakeScmScript,
} from './fakeScm';
import { AUDIENCE, jwtFor, tokenForScope } from './fakeServer';
import { FakeStorage } from './fakeStorage';

const zip = Buffer.from('PK\u0003\u0004 not really a zip, but bytes that must arrive unchanged \u00ff\u0000', 'latin1');

let scm: FakeScm;
let arm: FakeArm;
let storage: FakeStorage;
afterEach(async () => {
    await scm?.stop();
    await arm?.stop();
    await storage?.stop();
});

interface Run {
    scm?: FakeScmScript;
    arm?: FakeArmScript;
    /** Check the function list (default true). */
    functions?: boolean;
    /**
     * The deployment container: One Deploy writes our package there (default), or `other` is there, or reading it is
     * refused for want of the role or by the account's network rules (network: isolated), or none is given.
     */
    container?: 'ours' | 'other' | 'no role' | 'private network' | 'none';
    options?: Partial<DeployOptions>;
}

async function run({
    scm: scmScript = {},
    arm: armScript = {},
    functions = true,
    container = 'ours',
    options = {},
}: Run = {}) {
    storage = await new FakeStorage(
        container === 'no role' ? 'role' : container === 'private network' ? 'network' : undefined,
    ).start();
    if (container === 'other') storage.putPackage(Buffer.from('PK another package'));
    scm = await new FakeScm({ storage: container === 'ours' ? storage : undefined, ...scmScript }).start();
    arm = await new FakeArm(armScript).start();
    const time = virtualClock();
    const lines: string[] = [];
    const result = deploy({
        scmBaseUrl: scm.baseUrl,
        armBaseUrl: arm.baseUrl,
        zip,
        getToken: async (scope) => tokenForScope(scope),
        functions: functions ? { siteId: SITE_ID, expected: ALL_FUNCTIONS } : undefined,
        packageContainerUrl: container === 'none' ? undefined : storage.containerUrl,
        now: time.now,
        sleep: time.sleep,
        timeoutMs: 60_000,
        pollIntervalMs: 5_000,
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

describe('One Deploy against a fake Kudu that checks the token audience', () => {
    it('publishes the zip with an App Service token as the Flex clients do, polls the id until success, then finds every function through ARM', async () => {
        const { result } = await run({ scm: { pollsUntilDone: 2 } });
        await expect(result).resolves.toEqual({
            deploymentId: DEPLOYMENT_ID,
            status: 'success',
            statusText: 'Deployment successful.',
            pollUrl: `${scm.baseUrl}/api/deployments/${DEPLOYMENT_ID}`,
            publishAttempts: 1,
            functions: ALL_FUNCTIONS,
            decidedBy: 'kudu',
        });
        const [publish, ...polls] = scm.requests;
        expect(publish).toMatchObject({
            method: 'POST',
            audience: AUDIENCE.appService,
            contentType: 'application/zip',
        });
        const query = new URL(publish.path, 'https://x').searchParams;
        expect([...query.keys()]).toEqual(['RemoteBuild', 'Deployer']);
        expect(query.get('RemoteBuild')).toBe('false');
        expect(publish.body.equals(zip)).toBe(true);
        expect(polls.map((p) => `${p.method} ${p.path} ${p.audience}`)).toEqual(
            Array(3).fill(`GET /api/deployments/${DEPLOYMENT_ID} ${AUDIENCE.appService}`),
        );
        expect(arm.requests.map((r) => `${r.method} ${r.path} ${r.audience}`)).toEqual([
            `GET ${SITE_ID}/functions?api-version=${FUNCTIONS_API_VERSION} ${AUDIENCE.arm}`,
        ]);
    });

    it('reads a function list of any length: an app of 40 functions lists far more than an error message keeps', async () => {
        const many = Array.from({ length: 40 }, (_, i) => `function_with_a_long_name_${i}`);
        const { result } = await run({
            arm: { functions: many },
            options: { functions: { siteId: SITE_ID, expected: many, timeoutMs: 30_000 } },
        });
        await expect(result).resolves.toMatchObject({ status: 'success', functions: many });
    });

    it('falls back to the legacy ARM audience when the credential cannot get an App Service token, and says so', async () => {
        const scopes: string[] = [];
        const { result, lines } = await run({
            options: {
                getToken: async (scope) => {
                    scopes.push(scope);
                    if (scope === APP_SERVICE_SCOPE) throw new Error('AADSTS65001: consent required');
                    return tokenForScope(scope);
                },
            },
        });
        await expect(result).resolves.toMatchObject({ status: 'success' });
        expect(new Set(scm.requests.map((r) => r.audience))).toEqual(new Set([AUDIENCE.legacyArm]));
        expect(lines.join('\n')).toContain(
            `Token for ${APP_SERVICE_SCOPE}: no token: AADSTS65001: consent required; trying ${LEGACY_ARM_SCOPE}`,
        );
        expect(scopes[0]).toBe(APP_SERVICE_SCOPE);
        expect(scopes).toContain(ARM_SCOPE);
    });

    it('falls back to the legacy ARM audience when Kudu answers 401 to the App Service token, without counting a failed attempt', async () => {
        const { result } = await run({ scm: { audiences: [AUDIENCE.legacyArm] } });
        await expect(result).resolves.toMatchObject({ status: 'success', publishAttempts: 1 });
        expect(scm.requests.map((r) => `${r.method} ${r.audience}`)).toEqual([
            `POST ${AUDIENCE.appService}`,
            `POST ${AUDIENCE.legacyArm}`,
            `GET ${AUDIENCE.legacyArm}`,
            `GET ${AUDIENCE.legacyArm}`,
        ]);
    });

    it('stops with every audience tried in the message when Kudu rejects them all', async () => {
        const { result } = await run({ scm: { audiences: [] } });
        const message = await failure(result);
        expect(message).toMatch(
            /^The SCM site rejected the Entra ID token \(HTTP 401\) at http:\/\/127\.0\.0\.1:\d+\/api\/publish\?RemoteBuild=false&Deployer=durable-hello-pulumi; audiences tried: /,
        );
        expect(message).toContain(
            `${APP_SERVICE_SCOPE} (rejected with HTTP 401); ${LEGACY_ARM_SCOPE} (rejected with HTTP 401)`,
        );
        expect(scm.requests.map((r) => r.path)).toEqual([PUBLISH_PATH, PUBLISH_PATH]);
    });

    it('rejects a token for https://management.azure.com, the audience this client used to send', async () => {
        const { result } = await run({ options: { getToken: async () => jwtFor(AUDIENCE.arm) } });
        expect(await failure(result)).toContain('audience https://management.azure.com not accepted');
        expect(scm.requests.map((r) => r.audience)).toEqual([AUDIENCE.arm, AUDIENCE.arm]);
    });

    it('says how to sign in, naming both audiences, when no token can be obtained', async () => {
        const { result } = await run({
            options: { getToken: async () => Promise.reject(new Error('Please run az login')) },
        });
        expect(await failure(result)).toBe(
            `Could not get an Entra ID token for the SCM site; audiences tried: ${APP_SERVICE_SCOPE} (no token: Please run az login); ` +
                `${LEGACY_ARM_SCOPE} (no token: Please run az login). Locally run \`az login\`; in GitHub Actions sign in with azure/login (OIDC) first.`,
        );
        expect(scm.requests).toHaveLength(0);
    });

    it('reads a bare id; with only a Location, takes a success at latest only once the package the app runs is ours', async () => {
        await expect((await run({ scm: { publishAnswer: 'bareId' } })).result).resolves.toMatchObject({
            pollUrl: `${scm.baseUrl}/api/deployments/${DEPLOYMENT_ID}`,
            decidedBy: 'kudu',
        });
        await Promise.all([scm.stop(), arm.stop(), storage.stop()]);
        const located = await run({ scm: { publishAnswer: 'location' } });
        await expect(located.result).resolves.toMatchObject({
            pollUrl: expect.stringContaining('/api/deployments/latest?deployer=OneDeploy'),
            decidedBy: 'package',
        });
        expect(located.lines.join('\n')).toContain(
            'but the publish answer named no deployment id to match it to; checking the package the app runs',
        );
        await Promise.all([scm.stop(), arm.stop(), storage.stop()]);
        const other = await run({ scm: { publishAnswer: 'location' }, container: 'other' });
        expect(await failure(other.result)).toMatch(
            /named no deployment id to match it to; and the package the app runs, \S+\/app-package\/released-package\.zip .*is not ours/,
        );
        expect(deploymentIdFrom('<html>error</html>')).toBeUndefined();
    });
});

describe('every final Kudu status', () => {
    it.each([
        ['cancelled', 'cancelled', "status -1 'Cancelled'"],
        ['conflict', 'conflicted with another deployment', "status 5 'Conflict'"],
        ['failed', 'failed', "status 3 'Deployment failed.'"],
    ] as const)(
        'fails at once with the log and its details when Kudu reports the deployment %s',
        async (outcome, words, status) => {
            const { result, time } = await run({ scm: { outcome } });
            const message = await failure(result);
            expect(message).toContain(`Deployment ${DEPLOYMENT_ID} ${words} (Kudu ${status})`);
            expect(message).toContain('Starting deployment pipeline.');
            expect(message).toContain(FAILURE_DETAIL);
            expect(time.clock.slept).toEqual([5_000]);
            expect(arm.requests).toHaveLength(0);
        },
    );

    it('accepts a partial success (the package is live), logs the deployment log, and still checks the functions', async () => {
        const { result, lines } = await run({ scm: { outcome: 'partialSuccess' } });
        await expect(result).resolves.toMatchObject({
            deploymentId: DEPLOYMENT_ID,
            status: 'partialSuccess',
            statusText: 'Partially succeeded.',
            functions: ALL_FUNCTIONS,
        });
        expect(lines.join('\n')).toContain(FAILURE_DETAIL);
    });
});

describe('a deployment record Kudu loses (404 after its worker recycles)', () => {
    const recycled: FakeScmScript = { pollsUntilDone: 3, recycleAfterPolls: 1 };

    it('follows the record at /api/deployments/latest when it still names this deployment', async () => {
        const { result, lines } = await run({ scm: { ...recycled, latestAfterRecycle: 'this' } });
        await expect(result).resolves.toMatchObject({
            deploymentId: DEPLOYMENT_ID,
            status: 'success',
            decidedBy: 'kudu',
        });
        expect(scm.requests.slice(1).map((r) => r.path)).toEqual([
            `/api/deployments/${DEPLOYMENT_ID}`,
            `/api/deployments/${DEPLOYMENT_ID}`,
            '/api/deployments/latest',
            '/api/deployments/latest',
            '/api/deployments/latest',
        ]);
        expect(lines.join('\n')).toContain(`still has deployment ${DEPLOYMENT_ID}: polling it`);
    });

    it('fails with the log when the record at latest ends in failure', async () => {
        const { result } = await run({ scm: { ...recycled, latestAfterRecycle: 'this', outcome: 'failed' } });
        expect(await failure(result)).toMatch(
            /Deployment \S+ failed .*polled http:\/\/127\.0\.0\.1:\d+\/api\/deployments\/latest\.\nDeployment log:\n.*Starting deployment pipeline/s,
        );
    });

    it.each(['gone', 'other'] as const)(
        'finishes when latest is %s only because the package the app runs is ours, then checks the functions',
        async (latestAfterRecycle) => {
            const { result, lines } = await run({
                scm: { ...recycled, latestAfterRecycle },
                arm: { whileIndexing: ['empty'] },
            });
            await expect(result).resolves.toMatchObject({
                deploymentId: DEPLOYMENT_ID,
                status: 'success',
                decidedBy: 'package',
                functions: ALL_FUNCTIONS,
            });
            const log = lines.join('\n');
            expect(log).toContain(
                `Kudu answered 404 for ${scm.baseUrl}/api/deployments/${DEPLOYMENT_ID} after Kudu reported it in progress (status 1 'Building')`,
            );
            expect(log).toContain(
                latestAfterRecycle === 'gone'
                    ? 'latest answered HTTP 404'
                    : `latest names another deployment (${OTHER_DEPLOYMENT_ID}`,
            );
            expect(log).toMatch(
                /Kudu could not say, but the package the app runs, \S+\/app-package\/released-package\.zip \(last modified .*\), is ours: sha256 [0-9a-f]{64}/,
            );
            expect(storage.requests.map((r) => `${r.method} ${r.path} ${r.audience}`)).toEqual([
                'GET /app-package/released-package.zip https://storage.azure.com',
            ]);
        },
    );

    it('fails when the function list would match but the package the app runs is not ours: the names cannot tell old code from new', async () => {
        const { result } = await run({ scm: recycled, container: 'other' });
        const message = await failure(result);
        expect(message).toMatch(
            /^Kudu answered 404 for \S+ after Kudu reported it in progress .*latest answered HTTP 404; and the package the app runs, .* is not ours: sha256 [0-9a-f]{64}, ours is sha256 [0-9a-f]{64}\. The outcome is unknown, so the deployment counts as failed\./,
        );
        expect(message).toMatch(/Deployment Center > Logs\) and run `pulumi up` again\.$/);
        expect(arm.requests).toHaveLength(0);
    });

    it('fails naming the role to grant when the package cannot be read', async () => {
        const { result } = await run({ scm: recycled, container: 'no role' });
        const message = await failure(result);
        expect(message).toMatch(
            /released-package\.zip answered HTTP 403 AuthorizationPermissionMismatch: reading it needs Storage Blob Data Reader on the container for the identity running pulumi up/,
        );
        expect(message).toContain('deployerPrincipalId');
        expect(message).toContain('The outcome is unknown, so the deployment counts as failed.');
    });

    it('fails saying the storage account is private when its network rules refuse the read (network: isolated), never a success', async () => {
        const { result } = await run({ scm: recycled, container: 'private network' });
        const message = await failure(result);
        expect(message).toMatch(
            /released-package\.zip answered HTTP 403 AuthorizationFailure: the storage account refuses requests from this machine's network/,
        );
        expect(message).toMatch(
            /With network: isolated the account has no public access, so the package can be read only from inside the app's virtual network/,
        );
        expect(message).not.toContain('Storage Blob Data Reader');
        expect(message).toContain('The outcome is unknown, so the deployment counts as failed.');
        expect(storage.requests.map((r) => `${r.method} ${r.path} ${r.audience}`)).toEqual([
            'GET /app-package/released-package.zip https://storage.azure.com',
        ]);
    });

    it('fails, naming the missing functions, when the package is ours but the host does not list them', async () => {
        const { result } = await run({
            scm: recycled,
            arm: { functions: ['startWorkflow'] },
            options: { functions: { siteId: SITE_ID, expected: ALL_FUNCTIONS, timeoutMs: 30_000 } },
        });
        expect(await failure(result)).toContain(
            'still does not list the function(s) processOrder, reserveStock (last answer from ARM: listed: startWorkflow)',
        );
    });

    it('says the outcome is unknown when there is no package to check', async () => {
        const { result } = await run({ scm: recycled, container: 'none' });
        expect(await failure(result)).toMatch(
            /latest answered HTTP 404\. The outcome is unknown: nothing else shows which package the app runs\. See the deployment history/,
        );
    });

    it(`stops polling a record that never appears after ${MAX_EARLY_404S} answers of 404 instead of waiting for the timeout`, async () => {
        const { result, time } = await run({ scm: { neverRecorded: true }, container: 'other' });
        expect(await failure(result)).toMatch(
            /^Kudu answered 404 for \S+ 3 times in a row .*latest answered HTTP 404; and the package the app runs, .* is not ours/,
        );
        expect(time.clock.slept.slice(0, 2)).toEqual([5_000, 5_000]);
        expect(scm.requests.filter((r) => r.method === 'GET')).toHaveLength(MAX_EARLY_404S + 1);
    });
});

describe('the function list after a successful deployment', () => {
    it('waits while the host indexes (empty list, relayed host errors, not found), following nextLink pages', async () => {
        const { result, lines } = await run({
            arm: { whileIndexing: ['notFound', 'hostError', 'empty'], pageSize: 2 },
        });
        await expect(result).resolves.toMatchObject({ functions: ALL_FUNCTIONS });
        expect(arm.requests.map((r) => new URL(r.path, 'https://x').searchParams.get('skip'))).toEqual([
            null,
            null,
            null,
            null,
            '2',
        ]);
        expect(lines.join('\n')).toContain(
            'Waiting for the host to list processOrder, reserveStock, startWorkflow (HTTP 400 {"Code":"BadRequest","Message":"Encountered an error (ServiceUnavailable) from host runtime."})',
        );
    });

    it('fails within its bound naming the missing functions and the classic causes', async () => {
        const { result, time } = await run({
            arm: { functions: [] },
            options: { functions: { siteId: SITE_ID, expected: ALL_FUNCTIONS, timeoutMs: 60_000, intervalMs: 10_000 } },
        });
        const message = await failure(result);
        expect(message).toBe(
            'After 60 s the app still does not list the function(s) processOrder, reserveStock, startWorkflow (last answer from ARM: listed: no functions). ' +
                'The host did not index the deployed code. Classic causes: package.json `main` matches no file in the zip, or files are missing from the zip ' +
                "(check the package with `npm run package`); or the host fails to start (see the app's log stream or Application Insights).",
        );
        expect(arm.requests).toHaveLength(6);
        expect(time.clock.slept.filter((ms) => ms === 10_000)).toHaveLength(5);
    });

    it('stops at once when ARM refuses the list (a missing role), naming the permission', async () => {
        const { result } = await run({ arm: { status: 403 } });
        expect(await failure(result)).toMatch(
            /^ARM refused to list the app's functions \(HTTP 403\) at .*Microsoft\.Web\/sites\/functions\/read/,
        );
        expect(arm.requests).toHaveLength(1);
    });

    it('refuses a site id that is not a function app', async () => {
        const { result } = await run({
            options: { functions: { siteId: '/subscriptions/x/resourceGroups/rg', expected: ALL_FUNCTIONS } },
        });
        expect(await failure(result)).toMatch(/is not a function app's ARM id/);
    });
});

describe('publish retries, timeouts and input checks', () => {
    it('retries a 403 (role assignment still propagating) with backoff, then succeeds', async () => {
        const { result, time } = await run({
            scm: { publishFailures: [403, 503, 429] },
            options: { retry: { baseDelayMs: 1_000, maxDelayMs: 3_000 } },
        });
        await expect(result).resolves.toMatchObject({ publishAttempts: 4 });
        expect(scm.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
        expect(time.clock.slept.slice(0, 3)).toEqual([1_000, 2_000, 3_000]);
    });

    it('gives up after the bounded attempts with the last status in the message', async () => {
        const { result } = await run({
            scm: { publishFailures: [403, 403, 403] },
            options: { retry: { maxAttempts: 3 } },
        });
        await expect(result).rejects.toThrow(
            /still failing after 3 attempts, last: HTTP 403 \(role assignment not propagated yet\?\) Forbidden/,
        );
    });

    it('times out naming the polled URL when the deployment never finishes', async () => {
        const { result, time } = await run({ scm: { pollsUntilDone: Infinity } });
        const message = await failure(result);
        expect(message).toMatch(
            new RegExp(
                `^Timed out after 60 s waiting for the deployment to finish; polled http://127\\.0\\.0\\.1:\\d+/api/deployments/${DEPLOYMENT_ID},`,
            ),
        );
        expect(message).toContain("last answer: status 1 'Building'");
        expect(time.clock.t - 1_000_000).toBeLessThanOrEqual(60_000);
    });

    it('refuses a non-https SCM or ARM URL outside loopback, since the requests carry a token', async () => {
        const time = virtualClock();
        const getToken = async (scope: string) => tokenForScope(scope);
        await expect(
            deploy({ scmBaseUrl: 'http://func.scm.azurewebsites.net', zip, getToken, ...time }),
        ).rejects.toThrow(/must use https/);
        const { result } = await run({ options: { armBaseUrl: 'http://management.azure.com' } });
        await expect(result).rejects.toThrow(/'http:\/\/management\.azure\.com' must use https/);
    });

    it('doubles the delay up to the cap', () => {
        const policy = { maxAttempts: 10, baseDelayMs: 2_000, maxDelayMs: 60_000 };
        expect([1, 2, 3, 6, 9].map((a) => backoffDelay(a, policy))).toEqual([2_000, 4_000, 8_000, 60_000, 60_000]);
    });
});
