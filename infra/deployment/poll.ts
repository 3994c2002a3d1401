import { deploymentError, describeError, isDeploymentError } from './errors';
import { duration, earlier, isBoundPassed, isDeadlineError, send, type Bound } from './http';
import { sameOrigin, type ScmContext } from './publish';
import { retryAfterMs, retryDelay } from './retryAfter';

/**
 * Polling a One Deploy deployment: `GET /api/deployments/<id>` answers `{ id, status, status_text, complete,
 * log_url, ... }` with 200 (in progress or not: azd's funcapp_host_client.go "Server always returns status code
 * of OK-200 whether the deployment is in-progress or complete") or 202; the log is
 * `[{ log_time, id, message, type, details_url }]`, where `details_url` lists the detailed entries.
 *
 * Kudu can answer 404 for an id it reported in progress: the deployment worker was recycled and the record went
 * with it (Azure/azure-dev cli/azd/pkg/azsdk/funcapp_host_client.go waitForDeployment: "It's possible to observe a
 * 404 response after the deployment is complete ... due to the deployment worker being recycled"; azd then
 * assumes success). We do not assume: the record may still be at `/api/deployments/latest` (what azure-cli's Flex
 * path polls: src/azure-cli/azure/cli/command_modules/appservice/custom.py enable_zip_deploy_flex), and only a
 * record whose `id` is our deployment's counts; otherwise the caller needs other evidence (see packageCheck.ts).
 */

/** Kudu's final deployment statuses (Azure/functions-action KUDU_DEPLOYMENT_CONSTANTS); others are in progress. */
export const KUDU_STATUS = { cancelled: -1, failed: 3, success: 4, conflict: 5, partialSuccess: 6 } as const;
const FAILED_STATUSES: Record<number, string> = {
    [KUDU_STATUS.cancelled]: 'cancelled',
    [KUDU_STATUS.failed]: 'failed',
    [KUDU_STATUS.conflict]: 'conflicted with another deployment',
};
/** Consecutive 404s before Kudu ever answered for the id: the record is not coming. */
export const MAX_EARLY_404S = 3;
const MAX_LOG_DETAILS = 10;

export interface KuduDeployment {
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

export interface PollTiming {
    timeoutMs: number;
    pollIntervalMs: number;
    /** The whole deployment's deadline, when it comes before the poll's own. */
    overall?: Bound;
}

/** The longest Retry-After a poll waits for (as the publish: azcore's default cap). */
const MAX_POLL_RETRY_AFTER_MS = 60_000;

/**
 * A final success (4) or partial success (6), `ours` when the record's id is our deployment's; or `lost`: Kudu no
 * longer knows the deployment (see above).
 */
export type PollResult = { kind: 'final'; record: KuduDeployment; ours: boolean } | { kind: 'lost'; evidence: string };

interface KuduAnswer<T> {
    status: number;
    body?: T;
    text: string;
    headers: Headers;
}

/** GET with the SCM token within its deadlines, moving to the next token audience on a 401. */
async function kuduGet<T>(scm: ScmContext, url: string, bound: Bound): Promise<KuduAnswer<T>> {
    for (;;) {
        const answer = await send(scm, {
            method: 'GET',
            url,
            headers: { Authorization: await scm.auth.authorization(), Accept: 'application/json' },
            bound,
        });
        const text = answer.text.slice(0, 2_000);
        if (answer.status === 401) {
            if (scm.auth.rejected(401)) continue;
            throw scm.auth.rejectedError(url, 401, text);
        }
        try {
            return { status: answer.status, body: JSON.parse(answer.text) as T, text, headers: answer.headers };
        } catch {
            return { status: answer.status, text, headers: answer.headers };
        }
    }
}

function isRecord(status: number, body: KuduDeployment | undefined): body is KuduDeployment & { status: number } {
    return (status === 200 || status === 202) && typeof body?.status === 'number';
}

function describeRecord(record: KuduDeployment): string {
    return `status ${record.status}${record.status_text ? ` '${record.status_text}'` : ''}`;
}

export async function deploymentLog(scm: ScmContext, deployment: KuduDeployment, bound: Bound): Promise<string> {
    const logUrl =
        sameOrigin(scm.base, deployment.log_url) ??
        (deployment.id ? new URL(`/api/deployments/${deployment.id}/log`, scm.base).href : undefined);
    if (!logUrl) return '(no deployment log: Kudu returned no deployment id)';
    try {
        const { status, body } = await kuduGet<KuduLogEntry[]>(scm, logUrl, bound);
        if (status !== 200 || !Array.isArray(body))
            return `(deployment log unavailable: HTTP ${status} from ${logUrl})`;
        const lines: string[] = [];
        let detailsFetched = 0;
        for (const entry of body) {
            lines.push(`${entry.log_time ?? ''} ${entry.message ?? ''}`.trim());
            const detailsUrl = sameOrigin(scm.base, entry.details_url);
            if (detailsUrl && detailsFetched++ < MAX_LOG_DETAILS) {
                const details = await kuduGet<KuduLogEntry[]>(scm, detailsUrl, bound);
                if (Array.isArray(details.body)) lines.push(...details.body.map((d) => `  ${d.message ?? ''}`));
            }
        }
        return lines.join('\n');
    } catch (err) {
        if (isDeploymentError(err) && !isBoundPassed(err)) throw err;
        return `(deployment log unavailable: ${isDeadlineError(err) || isBoundPassed(err) ? (err as Error).message : describeError(err)})`;
    }
}

/** Returns a success or partial success, throws on every other final status, or reports the record lost. */
export async function waitForDeployment(
    scm: ScmContext,
    pollUrl: string,
    deploymentId: string | undefined,
    timing: PollTiming,
): Promise<PollResult> {
    const latestUrl = new URL('/api/deployments/latest', scm.base).href;
    const waited = duration(timing.timeoutMs);
    const bound = earlier(
        { at: scm.now() + timing.timeoutMs, name: `deadline of ${waited} for the deployment to finish` },
        timing.overall,
    );
    let url = pollUrl;
    let last = 'no answer yet';
    let seen: KuduDeployment | undefined;
    let early404s = 0;
    const timedOut = (why: string) =>
        deploymentError(
            `Timed out after ${waited} waiting for the deployment to finish; polled ${url}, last answer: ${last}. ${why}`,
        );

    /** Our record at `latest`, or why not. */
    async function fromLatest(): Promise<KuduDeployment | string> {
        const latest = await kuduGet<KuduDeployment>(scm, latestUrl, bound);
        if (!isRecord(latest.status, latest.body)) return `${latestUrl} answered HTTP ${latest.status}`;
        if (deploymentId && latest.body.id !== deploymentId)
            return `${latestUrl} names another deployment (${latest.body.id ?? 'no id'}, ${describeRecord(latest.body)})`;
        return latest.body;
    }

    for (;;) {
        let asked: number | undefined;
        try {
            const { status, body, text, headers } = await kuduGet<KuduDeployment>(scm, url, bound);
            if (isRecord(status, body) && deploymentId && body.id !== undefined && body.id !== deploymentId) {
                last = `a record of another deployment (${body.id}, ${describeRecord(body)})`;
            } else if (isRecord(status, body)) {
                last = describeRecord(body);
                const ours = deploymentId !== undefined && body.id === deploymentId;
                if (body.status === KUDU_STATUS.success) return { kind: 'final', record: body, ours };
                if (body.status === KUDU_STATUS.partialSuccess) {
                    scm.log(
                        `Deployment ${body.id ?? ''} partly succeeded (Kudu ${last}); its log:\n${await deploymentLog(scm, body, bound)}`,
                    );
                    return { kind: 'final', record: body, ours };
                }
                const failure =
                    FAILED_STATUSES[body.status] ?? (body.complete === true ? 'ended without success' : undefined);
                if (failure) {
                    throw deploymentError(
                        `Deployment ${body.id ?? ''} ${failure} (Kudu ${last}), polled ${url}.\nDeployment log:\n${await deploymentLog(scm, body, bound)}`,
                    );
                }
                seen = body;
            } else if (status === 404 && (seen || ++early404s >= MAX_EARLY_404S)) {
                const before = seen
                    ? `after Kudu reported it in progress (${describeRecord(seen)})`
                    : `${early404s} times in a row`;
                const latest = url === latestUrl ? `${latestUrl} is the polled URL` : await fromLatest();
                if (typeof latest === 'string') {
                    return {
                        kind: 'lost',
                        evidence: `Kudu answered 404 for ${url} ${before} (its deployment worker recycled?), and ${latest}`,
                    };
                }
                scm.log(
                    `Kudu answered 404 for ${url} ${before}; ${latestUrl} still has deployment ${latest.id ?? ''}: polling it`,
                );
                url = latestUrl;
                continue;
            } else {
                last = `HTTP ${status} ${text.slice(0, 200)}`.trim();
                asked = retryAfterMs(headers, scm.now);
            }
        } catch (err) {
            if (isBoundPassed(err)) throw timedOut((err as Error).message);
            if (isDeploymentError(err)) throw err;
            last = isDeadlineError(err) ? (err as Error).message : `network error: ${describeError(err)}`;
        }
        const next = retryDelay(
            asked === undefined ? undefined : Math.max(asked, timing.pollIntervalMs),
            timing.pollIntervalMs,
            MAX_POLL_RETRY_AFTER_MS,
            {
                left: bound.at - scm.now(),
                name: bound.name,
            },
        );
        if (next.delayMs === undefined) {
            if (asked !== undefined && asked > MAX_POLL_RETRY_AFTER_MS)
                throw deploymentError(`Polling ${url} stopped: ${next.note}; last answer: ${last}.`);
            throw timedOut(`The next poll would pass the ${bound.name}.`);
        }
        if (asked !== undefined) scm.log(`Polling ${url}: ${last}; ${next.note}`);
        await scm.sleep(next.delayMs);
    }
}
