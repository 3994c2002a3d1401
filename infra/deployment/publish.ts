import { bodyText, deploymentError, describeError, isDeploymentError, type Fetch } from './errors';
import type { KuduAuth } from './tokens';

/**
 * The One Deploy upload: `POST /api/publish?RemoteBuild=false&Deployer=...` with the zip as the body.
 * The query is the one Microsoft's Flex clients send: azure-cli `enable_zip_deploy_flex`
 * (src/azure-cli/azure/cli/command_modules/appservice/custom.py: `/api/publish?RemoteBuild={}&Deployer=az_cli`),
 * Azure/functions-action (src/appservice-rest/Utilities/KuduServiceUtility.ts deployUsingOneDeployFlex:
 * `remoteBuild`, `deployer`, `message`) and azd (cli/azd/pkg/azsdk/funcapp_host_client.go Publish: `RemoteBuild`
 * only when true). None sends `type=zip`: a zip is One Deploy's default package on Flex. `RemoteBuild=false`:
 * the zip is already built, so no Oryx/npm build runs on the platform.
 * Kudu answers 202 with the deployment id as a JSON string (azd unmarshals the body into a string; older
 * answers carry it bare, or only a Location to `latest`).
 */

/** What Kudu records as the deployer: shows in the portal's deployment history. */
export const DEPLOYER = 'durable-hello-pulumi';
export const PUBLISH_PATH = `/api/publish?RemoteBuild=false&Deployer=${DEPLOYER}`;

export interface RetryPolicy {
    /** Publish attempts before giving up on 403/409/429/5xx/network errors. */
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 2_000, maxDelayMs: 60_000 };

export function isRetryableStatus(status: number): boolean {
    return status === 403 || status === 409 || status === 429 || status >= 500;
}

/** Exponential backoff (base · 2^(attempt-1), capped); a server's Retry-After wins when it is longer, within the cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfter?: string | null): number {
    const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const seconds = Number(retryAfter);
    return retryAfter && Number.isFinite(seconds) ? Math.min(policy.maxDelayMs, Math.max(exponential, seconds * 1000)) : exponential;
}

/** The publish answer's body: the deployment id, bare or as a JSON string; anything else is no id. */
export function deploymentIdFrom(body: string): string | undefined {
    let text = body.trim();
    if (text.startsWith('"')) {
        try {
            text = String(JSON.parse(text));
        } catch {
            return undefined;
        }
    }
    return /^[\w-]{1,100}$/.test(text) ? text : undefined;
}

/** What Kudu talks to: its origin, HTTP, the token, a clock and a log. */
export interface ScmContext {
    base: URL;
    http: Fetch;
    auth: KuduAuth;
    sleep: (ms: number) => Promise<void>;
    log: (message: string) => void;
}

/** Resolves a URL Kudu returned, refusing any other origin: the bearer token must not leave the SCM site. */
export function sameOrigin(base: URL, raw: string | null | undefined): string | undefined {
    if (!raw) return undefined;
    const url = new URL(raw, base);
    return url.origin === base.origin ? url.href : undefined;
}

export interface Published {
    pollUrl: string;
    /** The id from the publish answer (absent when Kudu named only a Location). */
    deploymentId?: string;
    attempts: number;
}

export async function publishPackage(scm: ScmContext, zip: Buffer, retry: RetryPolicy): Promise<Published> {
    const url = new URL(PUBLISH_PATH, scm.base).href;
    for (let attempt = 1; ; ) {
        let failure: string;
        let retryAfter: string | null = null;
        try {
            const response = await scm.http(url, {
                method: 'POST',
                headers: { Authorization: await scm.auth.authorization(), 'Content-Type': 'application/zip' },
                body: zip,
            });
            if (response.status === 200 || response.status === 202) {
                // The id names this deployment; `latest` (or a Location to it) could be another one.
                const deploymentId = deploymentIdFrom(await bodyText(response));
                const pollUrl = deploymentId
                    ? new URL(`/api/deployments/${deploymentId}`, scm.base).href
                    : (sameOrigin(scm.base, response.headers.get('location')) ?? new URL('/api/deployments/latest', scm.base).href);
                scm.log(`One Deploy accepted the package (HTTP ${response.status}, token for ${scm.auth.scope}) after ${attempt} attempt(s); polling ${pollUrl}`);
                return { pollUrl, deploymentId, attempts: attempt };
            }
            const body = await bodyText(response);
            if (response.status === 401) {
                if (scm.auth.rejected(401)) continue; // the next audience, at once: not a failed attempt
                throw scm.auth.rejectedError(url, 401, body);
            }
            if (!isRetryableStatus(response.status)) {
                throw deploymentError(`One Deploy POST ${url} failed with HTTP ${response.status}: ${body}`);
            }
            failure = `HTTP ${response.status}${response.status === 403 ? ' (role assignment not propagated yet?)' : ''} ${body}`.trim();
            retryAfter = response.headers.get('retry-after');
        } catch (err) {
            if (isDeploymentError(err)) throw err;
            failure = `network error: ${describeError(err)}`;
        }
        if (attempt >= retry.maxAttempts) {
            throw deploymentError(
                `One Deploy POST ${url} still failing after ${attempt} attempts, last: ${failure}. ` +
                    'A lasting 403 means the deploying identity lacks a role on the app (e.g. Website Contributor).',
            );
        }
        const delay = backoffDelay(attempt, retry, retryAfter);
        scm.log(`One Deploy attempt ${attempt} failed (${failure}); retrying in ${delay} ms`);
        await scm.sleep(delay);
        attempt++;
    }
}
