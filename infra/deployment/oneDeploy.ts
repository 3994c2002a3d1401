/**
 * One Deploy of a zip to a Flex Consumption app's SCM (Kudu) site with an Entra ID bearer token, then proof
 * that the host runs it. Steps, each in its own module:
 * 1. tokens.ts: an App Service-audience token, falling back to the legacy ARM audience;
 * 2. publish.ts: `POST /api/publish?RemoteBuild=false&Deployer=...`, retried on 403/409/429/5xx;
 * 3. poll.ts: `GET /api/deployments/<id>` until a final status for our id; a record Kudu lost (404 after a worker
 *    recycle) is looked up at `latest`;
 * 4. packageCheck.ts: when Kudu cannot say, the package in the app's deployment container must be our zip;
 * 5. functionCheck.ts: the app's function list through ARM lists every expected function.
 * Every request is bounded (http.ts): its own deadlines, and the deployment's deadline, which aborts what is in flight.
 * Pure logic: HTTP, tokens, clock and sleep are injected, so it is testable against local fakes in virtual time.
 */
import { checkTokenOrigin, deploymentError } from './errors';
import { checkFunctionCheck, DEFAULT_ARM_BASE_URL, waitForFunctions, type FunctionCheck } from './functionCheck';
import {
    DEFAULT_DEADLINES,
    DEFAULT_UPLOAD_DEADLINES,
    duration,
    tokenWithin,
    type Bound,
    type RequestDeadlines,
} from './http';
import { packageBlobUrl, packageEvidence } from './packageCheck';
import { waitForDeployment, KUDU_STATUS, type KuduDeployment } from './poll';
import { DEFAULT_RETRY, publishPackage, type RetryPolicy, type ScmContext } from './publish';
import { kuduAuth, type GetToken } from './tokens';

export { deploymentError, isDeploymentError } from './errors';
export { backoffDelay, deploymentIdFrom, DEPLOYER, isRetryableStatus, PUBLISH_PATH, type RetryPolicy } from './publish';
export { KUDU_STATUS } from './poll';
export { APP_SERVICE_SCOPE, ARM_SCOPE, KUDU_SCOPES, LEGACY_ARM_SCOPE, type GetToken } from './tokens';
export type { FunctionCheck } from './functionCheck';
export type { RequestDeadlines } from './http';

export interface DeployOptions {
    /** https://<app>.scm.azurewebsites.net (http only for a loopback test server). */
    scmBaseUrl: string;
    zip: Buffer;
    /** An Entra ID access token for the scope asked (see tokens.ts for which scopes). */
    getToken: GetToken;
    /** Confirm through ARM that the host lists these functions; without it, a Kudu success is taken as is. */
    functions?: FunctionCheck;
    /** Default https://management.azure.com. */
    armBaseUrl?: string;
    fetch?: typeof fetch;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    /** How long to wait for the deployment to finish after the upload was accepted (default 15 min). */
    timeoutMs?: number;
    pollIntervalMs?: number;
    /** The whole deployment, upload to function list, in flight requests included (default 40 min). */
    overallTimeoutMs?: number;
    /** Each request's deadlines (default DEFAULT_DEADLINES), and the upload's (default DEFAULT_UPLOAD_DEADLINES). */
    deadlines?: Partial<RequestDeadlines>;
    uploadDeadlines?: Partial<RequestDeadlines>;
    /** How long a token request may take (default 60 s: the Azure CLI credential runs `az`). */
    tokenTimeoutMs?: number;
    /**
     * The app's deployment container URL (functionAppConfig.deployment.storage.value): when Kudu cannot tell how our
     * deployment ended, the package there must be our zip.
     */
    packageContainerUrl?: string;
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
    /** The functions ARM listed after the deployment (empty when no check was asked for). */
    functions: string[];
    /**
     * `kudu`: Kudu reported the final status of our deployment id; `package`: Kudu could not say, the package the app
     * runs is ours.
     */
    decidedBy: 'kudu' | 'package';
}

export function checkScmBaseUrl(raw: string): URL {
    return checkTokenOrigin(raw, 'https://<app>.scm.azurewebsites.net');
}

export const DEFAULT_OVERALL_TIMEOUT_MS = 40 * 60_000;
export const DEFAULT_TOKEN_TIMEOUT_MS = 60_000;

export async function deploy(options: DeployOptions): Promise<DeployResult> {
    const log = options.log ?? (() => undefined);
    const now = options.now;
    const overallMs = options.overallTimeoutMs ?? DEFAULT_OVERALL_TIMEOUT_MS;
    const overall: Bound = { at: now() + overallMs, name: `deployment's overall deadline (${duration(overallMs)})` };
    const tokenMs = options.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
    const getToken: GetToken = (scope) =>
        tokenWithin(
            (abortSignal) => options.getToken(scope, { abortSignal }),
            `Entra ID token for ${scope}`,
            Math.max(1, Math.min(tokenMs, overall.at - now())),
        );
    const http = { http: options.fetch ?? fetch, now, deadlines: { ...DEFAULT_DEADLINES, ...options.deadlines } };
    const scm: ScmContext = {
        ...http,
        base: checkScmBaseUrl(options.scmBaseUrl),
        auth: kuduAuth(getToken, log),
        sleep: options.sleep,
        log,
        uploadDeadlines: { ...DEFAULT_UPLOAD_DEADLINES, ...options.uploadDeadlines },
    };
    const arm = {
        ...http,
        armBaseUrl: options.armBaseUrl ?? DEFAULT_ARM_BASE_URL,
        getToken,
        sleep: options.sleep,
        log,
        overall,
    };
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    const timing = {
        timeoutMs: options.timeoutMs ?? 15 * 60_000,
        pollIntervalMs: options.pollIntervalMs ?? 5_000,
        overall,
    };
    if (options.functions) checkFunctionCheck(arm.armBaseUrl, options.functions);
    if (options.packageContainerUrl) packageBlobUrl(options.packageContainerUrl);

    const published = await publishPackage(scm, options.zip, retry, overall);
    const polled = await waitForDeployment(scm, published.pollUrl, published.deploymentId, timing);
    const common = { pollUrl: published.pollUrl, publishAttempts: published.attempts };
    const functions = async () => (options.functions ? waitForFunctions(arm, options.functions) : []);

    if (polled.kind === 'final' && polled.ours) {
        const done = polled.record;
        const status: DeploymentStatus = done.status === KUDU_STATUS.partialSuccess ? 'partialSuccess' : 'success';
        if (status === 'success') log(`Deployment ${done.id ?? ''} succeeded: ${done.status_text ?? ''}`);
        return {
            ...common,
            deploymentId: done.id ?? '',
            status,
            statusText: done.status_text ?? '',
            functions: await functions(),
            decidedBy: 'kudu',
        };
    }

    // Kudu cannot say how OUR deployment ended: its record is lost, or the publish named no id to match a record to.
    const known =
        polled.kind === 'lost'
            ? polled.evidence
            : `Kudu reported ${describeFinal(polled.record)} at ${published.pollUrl}, but the publish answer named no deployment id to match it to`;
    const check = 'See the deployment history (portal: Deployment Center > Logs) and run `pulumi up` again';
    if (!options.packageContainerUrl)
        throw deploymentError(
            `${known}. The outcome is unknown: nothing else shows which package the app runs. ${check}.`,
        );
    log(`${known}; checking the package the app runs`);
    const proof = await packageEvidence({ ...http, getToken }, options.packageContainerUrl, options.zip, overall);
    if (!proof.ours)
        throw deploymentError(
            `${known}; and ${proof.evidence}. The outcome is unknown, so the deployment counts as failed. ${check}.`,
        );
    log(`Kudu could not say, but ${proof.evidence}`);
    const listed = await functions();
    const record = polled.kind === 'final' ? polled.record : undefined;
    const status: DeploymentStatus = record?.status === KUDU_STATUS.partialSuccess ? 'partialSuccess' : 'success';
    return {
        ...common,
        deploymentId: published.deploymentId ?? record?.id ?? '',
        status,
        statusText: `Kudu could not say; ${proof.evidence}`,
        functions: listed,
        decidedBy: 'package',
    };
}

function describeFinal(record: KuduDeployment): string {
    return `deployment ${record.id ?? '(no id)'} with status ${record.status}${record.status_text ? ` '${record.status_text}'` : ''}`;
}
