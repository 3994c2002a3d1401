import { ClientAssertionCredential, DefaultAzureCredential } from '@azure/identity';
import { AZURE_AD_TOKEN_EXCHANGE, fetchGitHubIdToken, gitHubOidcSettings } from '../../infra/deployment/githubOidc';
import { APP_SERVICE_SCOPE, ARM_SCOPE, deploy } from '../../infra/deployment/oneDeploy';
import { azureCredential, defaultAzureTokens } from '../../infra/deployment/tokens';
import { ALL_FUNCTIONS, FakeArm, SITE_ID } from './fakeArm';
import {
    AUTHORITY_HOST,
    CLIENT_ID,
    FakeEntra,
    FakeGitHubOidc,
    REQUEST_TOKEN,
    TENANT,
    VirtualSeconds,
    claimsOf,
    loopbackHttpClient,
} from './fakeEntra';
import { DEPLOYMENT_ID, FakeScm, virtualClock } from './fakeScm';

let clock: VirtualSeconds;
let github: FakeGitHubOidc;
let entra: FakeEntra;
let scm: FakeScm | undefined;
let arm: FakeArm | undefined;

beforeEach(async () => {
    clock = new VirtualSeconds();
    github = await new FakeGitHubOidc(clock).start();
    entra = await new FakeEntra(clock).start();
});
afterEach(async () => {
    await Promise.all([github.stop(), entra.stop(), scm?.stop(), arm?.stop()]);
    scm = arm = undefined;
});

/** The environment of a job with `id-token: write` and the identity's ids in AZURE_CLIENT_ID / AZURE_TENANT_ID. */
const actionsEnv = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_TENANT_ID: TENANT,
});
const credentialOptions = () => ({
    authorityHost: AUTHORITY_HOST,
    disableInstanceDiscovery: true,
    httpClient: loopbackHttpClient(entra),
});

/** What azure/login does: one GitHub token, exchanged once; the CLI keeps that assertion for later audiences. */
async function azureLogin(): Promise<string> {
    const assertion = await fetchGitHubIdToken(gitHubOidcSettings(actionsEnv())!);
    const status = await exchange(assertion, ARM_SCOPE);
    expect(status).toBe(200);
    return assertion;
}

async function exchange(assertion: string, scope: string): Promise<number> {
    const body = new URLSearchParams({
        client_id: CLIENT_ID,
        grant_type: 'client_credentials',
        scope,
        client_assertion: assertion,
    });
    const res = await fetch(`${entra.baseUrl}/${TENANT}/oauth2/v2.0/token`, { method: 'POST', body });
    return res.status;
}

describe('Azure tokens in GitHub Actions come from a fresh federated assertion', () => {
    it('a deploy that starts 10 minutes after azure/login gets the App Service and ARM audiences, each with a new GitHub token', async () => {
        const loginAssertion = await azureLogin();
        clock.advance(10 * 60);
        // The CLI session's assertion has expired by now: Entra refuses it for a new audience.
        expect(await exchange(loginAssertion, 'https://appservice.azure.com/.default')).toBe(401);
        expect(entra.exchanges.at(-1)).toMatchObject({ status: 401 });
        const exchangesBefore = entra.exchanges.length;

        scm = await new FakeScm({ pollsUntilDone: 1 }).start();
        arm = await new FakeArm({}).start();
        const time = virtualClock();
        const result = await deploy({
            scmBaseUrl: scm.baseUrl,
            armBaseUrl: arm.baseUrl,
            zip: Buffer.from('zip bytes'),
            getToken: defaultAzureTokens({ env: actionsEnv(), credentialOptions: credentialOptions() }),
            functions: { siteId: SITE_ID, expected: ALL_FUNCTIONS },
            now: time.now,
            sleep: time.sleep,
            timeoutMs: 60_000,
            pollIntervalMs: 5_000,
            log: () => undefined,
        });

        expect(result).toMatchObject({ deploymentId: DEPLOYMENT_ID, status: 'success', functions: ALL_FUNCTIONS });
        const exchanges = entra.exchanges.slice(exchangesBefore);
        expect(exchanges.map((e) => [e.scope, e.status])).toEqual([
            [APP_SERVICE_SCOPE, 200],
            [ARM_SCOPE, 200],
        ]);
        const loginJti = claimsOf(loginAssertion).jti;
        for (const { assertion, at } of exchanges) {
            // Issued by GitHub at the time of the exchange, for Entra's audience, and not the login's token.
            expect(assertion).toMatchObject({ aud: AZURE_AD_TOKEN_EXCHANGE, iat: at });
            expect(assertion!.jti).not.toBe(loginJti);
        }
        expect(new Set(exchanges.map((e) => e.assertion!.jti)).size).toBe(2);
        expect(github.issued.every((t) => t.audience === AZURE_AD_TOKEN_EXCHANGE)).toBe(true);
        // Kudu and ARM saw tokens for their own audiences.
        expect(scm.requests.every((r) => r.audience === 'https://appservice.azure.com')).toBe(true);
        expect(arm.requests.every((r) => r.audience === 'https://management.azure.com')).toBe(true);
    });

    it('reuses a token for its scope while it is valid, and takes a fresh assertion for each new scope', async () => {
        const getToken = defaultAzureTokens({ env: actionsEnv(), credentialOptions: credentialOptions() });
        await getToken(ARM_SCOPE);
        clock.advance(30 * 60);
        await getToken(ARM_SCOPE);
        await getToken(APP_SERVICE_SCOPE);
        expect(entra.exchanges.map((e) => [e.scope, e.status, e.at])).toEqual([
            [ARM_SCOPE, 200, clock.now - 30 * 60],
            [APP_SERVICE_SCOPE, 200, clock.now],
        ]);
        expect(entra.exchanges[1].assertion).toMatchObject({ iat: clock.now });
    });
});

describe('which credential', () => {
    it('uses the GitHub client-assertion credential only in a job that may ask for OIDC tokens and names the identity', () => {
        expect(azureCredential({ env: actionsEnv() })).toBeInstanceOf(ClientAssertionCredential);
        expect(azureCredential({ env: {} })).toBeInstanceOf(DefaultAzureCredential);
        // id-token: write without the identity's ids (or ids without id-token: write): the developer path, unchanged.
        const { AZURE_CLIENT_ID: _client, ...noClient } = actionsEnv();
        expect(azureCredential({ env: noClient })).toBeInstanceOf(DefaultAzureCredential);
        const { ACTIONS_ID_TOKEN_REQUEST_TOKEN: _token, ...noRequestToken } = actionsEnv();
        expect(azureCredential({ env: noRequestToken })).toBeInstanceOf(DefaultAzureCredential);
    });
});

describe("GitHub's ID token request", () => {
    it('sends the request token as bearer and asks for the Entra audience, keeping the query the runner gave', async () => {
        const token = await fetchGitHubIdToken(gitHubOidcSettings(actionsEnv())!);
        expect(claimsOf(token)).toMatchObject({
            aud: AZURE_AD_TOKEN_EXCHANGE,
            iss: 'https://token.actions.githubusercontent.com',
        });
    });

    it('tries again after a 5xx, and fails on a 401 with what to do, never naming the request token', async () => {
        github.failures = [503];
        const sleeps: number[] = [];
        const sleep = async (ms: number) => void sleeps.push(ms);
        await expect(fetchGitHubIdToken(gitHubOidcSettings(actionsEnv())!, { sleep })).resolves.toMatch(/\./);
        expect(sleeps).toHaveLength(1);

        const wrong = { ...gitHubOidcSettings(actionsEnv())!, requestToken: 'not-the-token' };
        const error = await fetchGitHubIdToken(wrong, { sleep }).catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/HTTP 401.*id-token: write/);
        expect((error as Error).message).not.toContain('not-the-token');
        expect(sleeps).toHaveLength(1);
    });
});
