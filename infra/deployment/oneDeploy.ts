/**
 * One Deploy of a zip to a Flex Consumption app's SCM (Kudu) site with an Entra ID bearer token, then proof
 * that the host runs it. Steps, each in its own module:
 * 1. tokens.ts: an App Service-audience token, falling back to the legacy ARM audience;
 * 2. publish.ts: `POST /api/publish?RemoteBuild=false&Deployer=...`, retried on 403/409/429/5xx;
 * 3. poll.ts: `GET /api/deployments/<id>` until a final status; a record Kudu lost (404 after a worker
 *    recycle) is looked up at `latest`, else decided from the function list;
 * 4. functionCheck.ts: the app's function list through ARM lists every expected function.
 * Pure logic: HTTP, tokens, clock and sleep are injected, so it is testable against local fakes in virtual time.
 */
import { checkTokenOrigin, deploymentError } from './errors';
import { checkFunctionCheck, DEFAULT_ARM_BASE_URL, waitForFunctions, type FunctionCheck } from './functionCheck';
import { waitForDeployment, KUDU_STATUS } from './poll';
import { DEFAULT_RETRY, publishPackage, type RetryPolicy, type ScmContext } from './publish';
import { kuduAuth, type GetToken } from './tokens';

export { deploymentError, isDeploymentError } from './errors';
export { backoffDelay, deploymentIdFrom, DEPLOYER, isRetryableStatus, PUBLISH_PATH, type RetryPolicy } from './publish';
export { KUDU_STATUS } from './poll';
export { APP_SERVICE_SCOPE, ARM_SCOPE, KUDU_SCOPES, LEGACY_ARM_SCOPE, type GetToken } from './tokens';
export type { FunctionCheck } from './functionCheck';

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
    /** The functions ARM listed after the deployment (empty when no check was asked for). */
    functions: string[];
    /** `kudu`: Kudu reported the final status; `functionList`: Kudu lost the record and the function list decided. */
    decidedBy: 'kudu' | 'functionList';
}

export function checkScmBaseUrl(raw: string): URL {
    return checkTokenOrigin(raw, 'https://<app>.scm.azurewebsites.net');
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
    const log = options.log ?? (() => undefined);
    const scm: ScmContext = {
        base: checkScmBaseUrl(options.scmBaseUrl),
        http: options.fetch ?? fetch,
        auth: kuduAuth(options.getToken, log),
        sleep: options.sleep,
        log,
    };
    const arm = { armBaseUrl: options.armBaseUrl ?? DEFAULT_ARM_BASE_URL, http: scm.http, getToken: options.getToken, sleep: options.sleep, now: options.now, log };
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    const timing = { timeoutMs: options.timeoutMs ?? 15 * 60_000, pollIntervalMs: options.pollIntervalMs ?? 5_000, now: options.now };
    if (options.functions) checkFunctionCheck(arm.armBaseUrl, options.functions);

    const published = await publishPackage(scm, options.zip, retry);
    const polled = await waitForDeployment(scm, published.pollUrl, published.deploymentId, timing);
    const common = { pollUrl: published.pollUrl, publishAttempts: published.attempts };

    if (polled.kind === 'lost') {
        if (!options.functions) {
            throw deploymentError(`${polled.evidence}. The outcome is unknown: see the app's deployment history in the portal, then run \`pulumi up\` again.`);
        }
        log(`${polled.evidence}; deciding from the app's function list`);
        let functions: string[];
        try {
            functions = await waitForFunctions(arm, options.functions);
        } catch (err) {
            throw deploymentError(`${polled.evidence}; so the deployment most likely failed. ${(err as Error).message} Run \`pulumi up\` again.`);
        }
        // The names prove the host runs code with these functions; when an update keeps the names, not which package.
        log(`Kudu lost the deployment record, but the host lists every expected function: the deployment counts as finished`);
        return { ...common, deploymentId: published.deploymentId ?? '', status: 'success', statusText: 'record lost by Kudu; functions listed', functions, decidedBy: 'functionList' };
    }

    const done = polled.record;
    const status: DeploymentStatus = done.status === KUDU_STATUS.partialSuccess ? 'partialSuccess' : 'success';
    if (status === 'success') log(`Deployment ${done.id ?? ''} succeeded: ${done.status_text ?? ''}`);
    const functions = options.functions ? await waitForFunctions(arm, options.functions) : [];
    return { ...common, deploymentId: done.id ?? published.deploymentId ?? '', status, statusText: done.status_text ?? '', functions, decidedBy: 'kudu' };
}
