import type { ClientAssertionCredentialOptions, TokenCredential } from '@azure/identity';

/**
 * Entra ID tokens in GitHub Actions from a fresh GitHub OIDC token for every exchange, as the azure-native
 * provider does (pulumi/pulumi-azure-native provider/pkg/provider/auth_azidentity.go, newOidcCredential and
 * getOidcTokenExchangeAssertion: an azidentity ClientAssertionCredential whose callback GETs
 * ACTIONS_ID_TOKEN_REQUEST_URL; likewise hashicorp/go-azure-sdk sdk/auth/github_oidc_authorizer.go, which asks
 * GitHub again on every Token()). The Azure CLI session that azure/login opens holds one GitHub token, valid for
 * minutes (GitHub's example token: exp = iat + 300 s, github/docs content/actions/concepts/security/openid-connect.md);
 * a first request for a new audience after it has expired fails with AADSTS700024.
 */

/** The audience Entra ID expects on a federated assertion (Azure/login's default `audience` input). */
export const AZURE_AD_TOKEN_EXCHANGE = 'api://AzureADTokenExchange';

export interface GitHubOidcSettings {
    /** ACTIONS_ID_TOKEN_REQUEST_URL: set by the runner when the job has `permissions: id-token: write`. */
    requestUrl: string;
    /** ACTIONS_ID_TOKEN_REQUEST_TOKEN: the bearer token for that URL. */
    requestToken: string;
    /** AZURE_CLIENT_ID: the app registration's (or user-assigned identity's) client id. */
    clientId: string;
    /** AZURE_TENANT_ID. */
    tenantId: string;
}

/** The settings when this process runs in a GitHub Actions job that may ask for OIDC tokens and names an identity. */
export function gitHubOidcSettings(env: NodeJS.ProcessEnv): GitHubOidcSettings | undefined {
    const settings = {
        requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '',
        requestToken: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '',
        clientId: env.AZURE_CLIENT_ID ?? '',
        tenantId: env.AZURE_TENANT_ID ?? '',
    };
    return Object.values(settings).every(Boolean) ? settings : undefined;
}

export interface IdTokenRequest {
    fetch?: typeof fetch;
    sleep?: (ms: number) => Promise<void>;
    attempts?: number;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/**
 * A new GitHub ID token for `api://AzureADTokenExchange`: GET `<request url>&audience=...` with the request token as
 * bearer, answer `{"value": "<jwt>"}` (actions/toolkit packages/core/src/oidc-utils.ts, getIDToken). A 5xx, 429 or
 * network error is tried again (the toolkit retries too); neither token is ever put in an error message.
 */
export async function fetchGitHubIdToken(settings: GitHubOidcSettings, request: IdTokenRequest = {}): Promise<string> {
    const {
        fetch: doFetch = fetch,
        sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        attempts = 3,
    } = request;
    const url = new URL(settings.requestUrl);
    url.searchParams.set('audience', AZURE_AD_TOKEN_EXCHANGE);
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
            const res = await doFetch(url, {
                headers: { Authorization: `Bearer ${settings.requestToken}`, Accept: 'application/json' },
                signal: AbortSignal.timeout(30_000),
            });
            if (res.ok) {
                const body = (await res.json().catch(() => ({}))) as { value?: unknown };
                if (typeof body.value === 'string' && body.value) return body.value;
                throw new Error("GitHub's OIDC token endpoint answered without a token (no `value` in its JSON).");
            }
            last = `HTTP ${res.status}`;
            if (!RETRYABLE(res.status)) break;
        } catch (err) {
            if (err instanceof Error && err.message.startsWith("GitHub's OIDC")) throw err;
            last = err instanceof Error ? err.message : String(err);
        }
        if (attempt < attempts) await sleep(1_000 * attempt);
    }
    throw new Error(
        `Could not get a GitHub OIDC token for ${AZURE_AD_TOKEN_EXCHANGE} (${last}). The job needs \`permissions: id-token: write\`; ` +
            'see docs/ci-cd.md, "How each tool signs in".',
    );
}

/**
 * @azure/identity's ClientAssertionCredential whose assertion callback asks GitHub for a new ID token each time
 * the credential exchanges one (sdk/identity/identity/src/credentials/clientAssertionCredential.ts in
 * Azure/azure-sdk-for-js: the callback is handed to MSAL as `clientAssertion` for every token request).
 */
export function gitHubActionsCredential(
    settings: GitHubOidcSettings,
    options: ClientAssertionCredentialOptions = {},
    request: IdTokenRequest = {},
): TokenCredential {
    const { ClientAssertionCredential } = require('@azure/identity') as typeof import('@azure/identity');
    return new ClientAssertionCredential(
        settings.tenantId,
        settings.clientId,
        () => fetchGitHubIdToken(settings, request),
        options,
    );
}
