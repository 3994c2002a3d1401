/**
 * One Deploy of a zip to a Flex Consumption app's SCM (Kudu) site, with an Entra ID bearer token:
 * `POST /api/publish?type=zip&RemoteBuild=false&Deployer=...`, then poll the deployment until Kudu reports a
 * final status. Pure logic: HTTP, token, clock and sleep are injected, so it is testable against a
 * local fake and in virtual time.
 *
 * The request and the shapes are those of Microsoft's Flex clients (azure-cli
 * `enable_zip_deploy_flex`, Azure/functions-action `oneDeployFlex`): `Content-Type: application/zip`,
 * `type=zip` (One Deploy's package type; zip is also its default on Flex), `RemoteBuild=false` (the zip
 * is already built: no Oryx/npm build on the platform); the publish
 * answers 202 with the deployment id as its body (or 200); `GET /api/deployments/<id>` answers
 * `{ id, status, status_text, complete, log_url, ... }` with 200 or 202; the log is
 * `[{ log_time, id, message, type, details_url }]`, where `details_url` lists the detailed entries.
 */

export const ARM_SCOPE = 'https://management.azure.com/.default';
/** What Kudu records as the deployer: shows in the portal's deployment history. */
export const DEPLOYER = 'durable-hello-pulumi';
export const PUBLISH_PATH = `/api/publish?type=zip&RemoteBuild=false&Deployer=${DEPLOYER}`;
/** Kudu's final deployment statuses (Azure/functions-action KUDU_DEPLOYMENT_CONSTANTS); others are in progress. */
export const KUDU_STATUS = { cancelled: -1, failed: 3, success: 4, conflict: 5, partialSuccess: 6 } as const;
const FAILED_STATUSES: Record<number, string> = {
    [KUDU_STATUS.cancelled]: 'cancelled',
    [KUDU_STATUS.failed]: 'failed',
    [KUDU_STATUS.conflict]: 'conflicted with another deployment',
};

type Fetch = typeof fetch;

export interface RetryPolicy {
    /** Publish attempts before giving up on 403/409/429/5xx/network errors. */
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
}

export interface DeployOptions {
    /** https://<app>.scm.azurewebsites.net (http only for a loopback test server). */
    scmBaseUrl: string;
    zip: Buffer;
    /** An Entra ID access token for {@link ARM_SCOPE}. */
    getToken: () => Promise<string>;
    fetch?: Fetch;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    /** How long to wait for the deployment to finish after the upload was accepted. */
    timeoutMs?: number;
    pollIntervalMs?: number;
    retry?: Partial<RetryPolicy>;
    log?: (message: string) => void;
}

/** The final Kudu statuses a deployment succeeds with; every other final status fails it. */
export type DeploymentStatus = 'success' | 'partialSuccess';

export interface DeployResult {
    deploymentId: string;
    status: DeploymentStatus;
    statusText: string;
    pollUrl: string;
    publishAttempts: number;
}

interface KuduDeployment {
    id?: string;
    status?: number;
    status_text?: string;
    complete?: boolean;
    log_url?: string;
    progress?: string;
}

interface KuduLogEntry {
    log_time?: string;
    message?: string;
    type?: number;
    details_url?: string | null;
}

// A factory, not `class extends Error`: Pulumi's function serialization (dynamic providers)
// rewrites derived class constructors as `Error.call(this)`, which loses the message.
const DEPLOYMENT_ERROR = 'DeploymentError';

export function deploymentError(message: string): Error {
    const error = new Error(message);
    error.name = DEPLOYMENT_ERROR;
    return error;
}

export function isDeploymentError(err: unknown): boolean {
    return err instanceof Error && err.name === DEPLOYMENT_ERROR;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 2_000, maxDelayMs: 60_000 };
const MAX_LOG_DETAILS = 10;

export function isRetryableStatus(status: number): boolean {
    return status === 403 || status === 409 || status === 429 || status >= 500;
}

/** Exponential backoff (base · 2^(attempt-1), capped); a server's Retry-After wins when it is longer, within the cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfter?: string | null): number {
    const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const seconds = Number(retryAfter);
    return retryAfter && Number.isFinite(seconds) ? Math.min(policy.maxDelayMs, Math.max(exponential, seconds * 1000)) : exponential;
}

export function checkScmBaseUrl(raw: string): URL {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw deploymentError(`SCM base URL '${raw}' is not a URL; expected https://<app>.scm.azurewebsites.net.`);
    }
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        throw deploymentError(`SCM base URL '${raw}' must use https: the request carries a bearer token.`);
    }
    return new URL(url.origin);
}

function describeError(err: unknown): string {
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    return [err instanceof Error ? err.message : String(err), cause?.code ?? cause?.message].filter(Boolean).join(': ');
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

async function bodyText(response: Response): Promise<string> {
    const text = await response.text().catch(() => '');
    return text.length > 2_000 ? text.slice(0, 2_000) + '…' : text;
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
    const base = checkScmBaseUrl(options.scmBaseUrl);
    const http = options.fetch ?? fetch;
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    const timeoutMs = options.timeoutMs ?? 15 * 60_000;
    const pollIntervalMs = options.pollIntervalMs ?? 5_000;
    const log = options.log ?? (() => undefined);

    async function authorization(): Promise<string> {
        let token: string;
        try {
            token = await options.getToken();
        } catch (err) {
            throw deploymentError(
                `Could not get an Entra ID token for ${ARM_SCOPE}: ${describeError(err)}. ` +
                    'Locally run `az login`; in GitHub Actions sign in with azure/login (OIDC) first.',
            );
        }
        if (!token) throw deploymentError(`The credential returned an empty token for ${ARM_SCOPE}.`);
        return `Bearer ${token}`;
    }

    function rejectedToken(url: string, status: number, body: string): Error {
        return deploymentError(
            `The SCM site rejected the Entra ID token (HTTP ${status}) at ${url}. The token must be for ${ARM_SCOPE} ` +
                `and come from the app's tenant; check \`az account show\` (or the OIDC login) and sign in again. ${body}`.trim(),
        );
    }

    /** Resolves a URL Kudu returned, refusing any other origin: the bearer token must not leave the SCM site. */
    function sameOrigin(raw: string | null | undefined): string | undefined {
        if (!raw) return undefined;
        const url = new URL(raw, base);
        return url.origin === base.origin ? url.href : undefined;
    }

    async function publish(): Promise<{ pollUrl: string; attempts: number }> {
        const url = new URL(PUBLISH_PATH, base).href;
        for (let attempt = 1; ; attempt++) {
            let failure: string;
            let retryAfter: string | null = null;
            try {
                const response = await http(url, {
                    method: 'POST',
                    headers: { Authorization: await authorization(), 'Content-Type': 'application/zip' },
                    body: options.zip,
                });
                if (response.status === 200 || response.status === 202) {
                    // The id names this deployment; `latest` (or a Location to it) could be another one.
                    const id = deploymentIdFrom(await bodyText(response));
                    const pollUrl = id
                        ? new URL(`/api/deployments/${id}`, base).href
                        : (sameOrigin(response.headers.get('location')) ?? new URL('/api/deployments/latest', base).href);
                    log(`One Deploy accepted the package (HTTP ${response.status}) after ${attempt} attempt(s); polling ${pollUrl}`);
                    return { pollUrl, attempts: attempt };
                }
                const body = await bodyText(response);
                if (response.status === 401) throw rejectedToken(url, 401, body);
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
            log(`One Deploy attempt ${attempt} failed (${failure}); retrying in ${delay} ms`);
            await options.sleep(delay);
        }
    }

    async function getJson<T>(url: string): Promise<{ status: number; body?: T; text: string }> {
        const response = await http(url, { headers: { Authorization: await authorization(), Accept: 'application/json' } });
        const text = await bodyText(response);
        if (response.status === 401) throw rejectedToken(url, 401, text);
        try {
            return { status: response.status, body: JSON.parse(text) as T, text };
        } catch {
            return { status: response.status, text };
        }
    }

    async function deploymentLog(deployment: KuduDeployment): Promise<string> {
        const logUrl = sameOrigin(deployment.log_url) ?? (deployment.id ? new URL(`/api/deployments/${deployment.id}/log`, base).href : undefined);
        if (!logUrl) return '(no deployment log: Kudu returned no deployment id)';
        try {
            const { status, body } = await getJson<KuduLogEntry[]>(logUrl);
            if (status !== 200 || !Array.isArray(body)) return `(deployment log unavailable: HTTP ${status} from ${logUrl})`;
            const lines: string[] = [];
            let detailsFetched = 0;
            for (const entry of body) {
                lines.push(`${entry.log_time ?? ''} ${entry.message ?? ''}`.trim());
                const detailsUrl = sameOrigin(entry.details_url);
                if (detailsUrl && detailsFetched++ < MAX_LOG_DETAILS) {
                    const details = await getJson<KuduLogEntry[]>(detailsUrl);
                    if (Array.isArray(details.body)) lines.push(...details.body.map((d) => `  ${d.message ?? ''}`));
                }
            }
            return lines.join('\n');
        } catch (err) {
            if (isDeploymentError(err)) throw err;
            return `(deployment log unavailable: ${describeError(err)})`;
        }
    }

    async function waitForDeployment(pollUrl: string): Promise<KuduDeployment> {
        const deadline = options.now() + timeoutMs;
        let last = 'no answer yet';
        for (;;) {
            try {
                const { status, body, text } = await getJson<KuduDeployment>(pollUrl);
                if ((status === 200 || status === 202) && body && typeof body.status === 'number') {
                    last = `status ${body.status}${body.status_text ? ` '${body.status_text}'` : ''}`;
                    if (body.status === KUDU_STATUS.success) return body;
                    if (body.status === KUDU_STATUS.partialSuccess) {
                        log(`Deployment ${body.id ?? ''} partly succeeded (Kudu ${last}); its log:\n${await deploymentLog(body)}`);
                        return body;
                    }
                    const failure = FAILED_STATUSES[body.status] ?? (body.complete === true ? 'ended without success' : undefined);
                    if (failure) {
                        throw deploymentError(
                            `Deployment ${body.id ?? ''} ${failure} (Kudu ${last}), polled ${pollUrl}.\nDeployment log:\n${await deploymentLog(body)}`,
                        );
                    }
                } else {
                    last = `HTTP ${status} ${text.slice(0, 200)}`.trim();
                }
            } catch (err) {
                if (isDeploymentError(err)) throw err;
                last = `network error: ${describeError(err)}`;
            }
            if (options.now() + pollIntervalMs > deadline) {
                throw deploymentError(
                    `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for the deployment to finish; polled ${pollUrl}, last answer: ${last}.`,
                );
            }
            await options.sleep(pollIntervalMs);
        }
    }

    const { pollUrl, attempts } = await publish();
    const done = await waitForDeployment(pollUrl);
    const status: DeploymentStatus = done.status === KUDU_STATUS.partialSuccess ? 'partialSuccess' : 'success';
    if (status === 'success') log(`Deployment ${done.id ?? ''} succeeded: ${done.status_text ?? ''}`);
    return { deploymentId: done.id ?? '', status, statusText: done.status_text ?? '', pollUrl, publishAttempts: attempts };
}
