import { deploymentError, describeError, isDeploymentError } from './errors';
import { isDeadlineError, send, type Bound, type HttpContext, type RequestDeadlines } from './http';
import { retryAfterMs, retryDelay } from './retryAfter';
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
    /** Publish attempts before giving up on 403/409/429/5xx/network errors and passed per-request deadlines. */
    maxAttempts: number;
    baseDelayMs: number;
    /** The longest wait between attempts; a longer Retry-After stops the retries (see retryAfter.ts). */
    maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 2_000, maxDelayMs: 60_000 };

export function isRetryableStatus(status: number): boolean {
    return status === 403 || status === 409 || status === 429 || status >= 500;
}

/** Exponential backoff: base · 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
    return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
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

/** What Kudu talks to: its origin, bounded HTTP, the token, a clock and a log. */
export interface ScmContext extends HttpContext {
    base: URL;
    auth: KuduAuth;
    sleep: (ms: number) => Promise<void>;
    log: (message: string) => void;
    /** The upload's deadlines, when they differ from the other requests' (a large zip on a slow link). */
    uploadDeadlines?: Partial<RequestDeadlines>;
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

/** What to check when the publish keeps failing: matched to the last failure, not a guess. */
export function publishHint(lastStatus: number | undefined, host: string): string {
    if (lastStatus === 403) {
        return "A lasting 403 means the deploying identity lacks a role on the app (e.g. Website Contributor), or the SCM site's access restrictions block this machine.";
    }
    if (lastStatus === 409)
        return "A lasting 409 means another deployment is running on the app: let it finish (the portal's Deployment Center), then run `pulumi up` again.";
    if (lastStatus === 429)
        return 'The SCM site kept throttling the upload (429): wait a few minutes, then run `pulumi up` again.';
    if (lastStatus !== undefined) {
        return `The SCM site kept answering HTTP ${lastStatus}: Kudu or the platform is unavailable; check the app's health (the portal's Diagnose and solve problems, Azure status), then run \`pulumi up\` again.`;
    }
    return `${host} could not be reached or did not answer in time: check DNS, proxy and firewall, and with network: isolated, the SCM site's access restrictions; then run \`pulumi up\` again.`;
}

export async function publishPackage(
    scm: ScmContext,
    zip: Buffer,
    retry: RetryPolicy,
    bound: Bound,
): Promise<Published> {
    const url = new URL(PUBLISH_PATH, scm.base).href;
    for (let attempt = 1; ;) {
        let failure: string;
        let lastStatus: number | undefined;
        let asked: number | undefined;
        try {
            const headers = { Authorization: await scm.auth.authorization(), 'Content-Type': 'application/zip' };
            const answer = await send(scm, {
                method: 'POST',
                url,
                headers,
                body: zip,
                bound,
                deadlines: scm.uploadDeadlines,
                maxBytes: 4_096,
            });
            if (answer.status === 200 || answer.status === 202) {
                // The id names this deployment; `latest` (or a Location to it) could be another one.
                const deploymentId = deploymentIdFrom(answer.text);
                const pollUrl = deploymentId
                    ? new URL(`/api/deployments/${deploymentId}`, scm.base).href
                    : (sameOrigin(scm.base, answer.headers.get('location')) ??
                      new URL('/api/deployments/latest', scm.base).href);
                scm.log(
                    `One Deploy accepted the package (HTTP ${answer.status}, token for ${scm.auth.scope}) after ${attempt} attempt(s); polling ${pollUrl}`,
                );
                return { pollUrl, deploymentId, attempts: attempt };
            }
            const body = answer.text.slice(0, 2_000);
            if (answer.status === 401) {
                if (scm.auth.rejected(401)) continue; // the next audience, at once: not a failed attempt
                throw scm.auth.rejectedError(url, 401, body);
            }
            if (!isRetryableStatus(answer.status)) {
                throw deploymentError(`One Deploy POST ${url} failed with HTTP ${answer.status}: ${body}`);
            }
            lastStatus = answer.status;
            failure =
                `HTTP ${answer.status}${answer.status === 403 ? ' (role assignment not propagated yet?)' : ''} ${body}`.trim();
            asked = retryAfterMs(answer.headers, scm.now);
        } catch (err) {
            if (isDeploymentError(err)) throw err;
            failure = isDeadlineError(err) ? (err as Error).message : `network error: ${describeError(err)}`;
        }
        const hint = publishHint(lastStatus, scm.base.host);
        if (attempt >= retry.maxAttempts) {
            throw deploymentError(
                `One Deploy POST ${url} still failing after ${attempt} attempts, last: ${failure}. ${hint}`,
            );
        }
        const next = retryDelay(asked, backoffDelay(attempt, retry), retry.maxDelayMs, {
            left: bound.at - scm.now(),
            name: bound.name,
        });
        scm.log(`One Deploy attempt ${attempt} failed (${failure}); ${next.note}`);
        if (next.delayMs === undefined) {
            throw deploymentError(
                `One Deploy POST ${url} failed after ${attempt} attempt(s), last: ${failure}; ${next.note}. ${hint}`,
            );
        }
        await scm.sleep(next.delayMs);
        attempt++;
    }
}
