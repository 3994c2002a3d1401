import { bodyText, deploymentError, describeError, isDeploymentError } from './errors';
import { sameOrigin, type ScmContext } from './publish';

/**
 * Polling a One Deploy deployment: `GET /api/deployments/<id>` answers `{ id, status, status_text, complete,
 * log_url, ... }` with 200 (in progress or not: azd's funcapp_host_client.go "Server always returns status code
 * of OK-200 whether the deployment is in-progress or complete") or 202; the log is
 * `[{ log_time, id, message, type, details_url }]`, where `details_url` lists the detailed entries.
 *
 * Kudu can answer 404 for an id it reported in progress: the deployment worker was recycled and the record went
 * with it (Azure/azure-dev cli/azd/pkg/azsdk/funcapp_host_client.go waitForDeployment: "It's possible to observe a
 * 404 response after the deployment is complete ... due to the deployment worker being recycled"; azd then
 * assumes success). We do not assume: the record may still be at `/api/deployments/latest`, and otherwise the
 * caller decides from the app's function list (see functionCheck.ts).
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
    now: () => number;
}

/** A final success (4) or partial success (6); or `lost`: Kudu no longer knows the deployment (see above). */
export type PollResult = { kind: 'final'; record: KuduDeployment } | { kind: 'lost'; evidence: string };

/** GET with the SCM token, moving to the next token audience on a 401. */
async function kuduGet<T>(scm: ScmContext, url: string): Promise<{ status: number; body?: T; text: string }> {
    for (;;) {
        const response = await scm.http(url, { headers: { Authorization: await scm.auth.authorization(), Accept: 'application/json' } });
        const text = await bodyText(response);
        if (response.status === 401) {
            if (scm.auth.rejected(401)) continue;
            throw scm.auth.rejectedError(url, 401, text);
        }
        try {
            return { status: response.status, body: JSON.parse(text) as T, text };
        } catch {
            return { status: response.status, text };
        }
    }
}

function isRecord(status: number, body: KuduDeployment | undefined): body is KuduDeployment & { status: number } {
    return (status === 200 || status === 202) && typeof body?.status === 'number';
}

function describeRecord(record: KuduDeployment): string {
    return `status ${record.status}${record.status_text ? ` '${record.status_text}'` : ''}`;
}

export async function deploymentLog(scm: ScmContext, deployment: KuduDeployment): Promise<string> {
    const logUrl = sameOrigin(scm.base, deployment.log_url) ?? (deployment.id ? new URL(`/api/deployments/${deployment.id}/log`, scm.base).href : undefined);
    if (!logUrl) return '(no deployment log: Kudu returned no deployment id)';
    try {
        const { status, body } = await kuduGet<KuduLogEntry[]>(scm, logUrl);
        if (status !== 200 || !Array.isArray(body)) return `(deployment log unavailable: HTTP ${status} from ${logUrl})`;
        const lines: string[] = [];
        let detailsFetched = 0;
        for (const entry of body) {
            lines.push(`${entry.log_time ?? ''} ${entry.message ?? ''}`.trim());
            const detailsUrl = sameOrigin(scm.base, entry.details_url);
            if (detailsUrl && detailsFetched++ < MAX_LOG_DETAILS) {
                const details = await kuduGet<KuduLogEntry[]>(scm, detailsUrl);
                if (Array.isArray(details.body)) lines.push(...details.body.map((d) => `  ${d.message ?? ''}`));
            }
        }
        return lines.join('\n');
    } catch (err) {
        if (isDeploymentError(err)) throw err;
        return `(deployment log unavailable: ${describeError(err)})`;
    }
}

/** Returns a success or partial success, throws on every other final status, or reports the record lost. */
export async function waitForDeployment(scm: ScmContext, pollUrl: string, deploymentId: string | undefined, timing: PollTiming): Promise<PollResult> {
    const latestUrl = new URL('/api/deployments/latest', scm.base).href;
    const deadline = timing.now() + timing.timeoutMs;
    let url = pollUrl;
    let last = 'no answer yet';
    let seen: KuduDeployment | undefined;
    let early404s = 0;

    /** Our record at `latest`, or why not. */
    async function fromLatest(): Promise<KuduDeployment | string> {
        const latest = await kuduGet<KuduDeployment>(scm, latestUrl);
        if (!isRecord(latest.status, latest.body)) return `${latestUrl} answered HTTP ${latest.status}`;
        if (deploymentId && latest.body.id !== deploymentId) return `${latestUrl} names another deployment (${latest.body.id ?? 'no id'}, ${describeRecord(latest.body)})`;
        return latest.body;
    }

    for (;;) {
        try {
            const { status, body, text } = await kuduGet<KuduDeployment>(scm, url);
            if (isRecord(status, body)) {
                last = describeRecord(body);
                if (body.status === KUDU_STATUS.success) return { kind: 'final', record: body };
                if (body.status === KUDU_STATUS.partialSuccess) {
                    scm.log(`Deployment ${body.id ?? ''} partly succeeded (Kudu ${last}); its log:\n${await deploymentLog(scm, body)}`);
                    return { kind: 'final', record: body };
                }
                const failure = FAILED_STATUSES[body.status] ?? (body.complete === true ? 'ended without success' : undefined);
                if (failure) {
                    throw deploymentError(`Deployment ${body.id ?? ''} ${failure} (Kudu ${last}), polled ${url}.\nDeployment log:\n${await deploymentLog(scm, body)}`);
                }
                seen = body;
            } else if (status === 404 && (seen || ++early404s >= MAX_EARLY_404S)) {
                const before = seen ? `after Kudu reported it in progress (${describeRecord(seen)})` : `${early404s} times in a row`;
                const latest = url === latestUrl ? `${latestUrl} is the polled URL` : await fromLatest();
                if (typeof latest === 'string') {
                    return { kind: 'lost', evidence: `Kudu answered 404 for ${url} ${before} (its deployment worker recycled?), and ${latest}` };
                }
                scm.log(`Kudu answered 404 for ${url} ${before}; ${latestUrl} still has deployment ${latest.id ?? ''}: polling it`);
                url = latestUrl;
                continue;
            } else {
                last = `HTTP ${status} ${text.slice(0, 200)}`.trim();
            }
        } catch (err) {
            if (isDeploymentError(err)) throw err;
            last = `network error: ${describeError(err)}`;
        }
        if (timing.now() + timing.pollIntervalMs > deadline) {
            throw deploymentError(
                `Timed out after ${Math.round(timing.timeoutMs / 1000)} s waiting for the deployment to finish; polled ${url}, last answer: ${last}.`,
            );
        }
        await scm.sleep(timing.pollIntervalMs);
    }
}
