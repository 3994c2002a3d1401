import { checkTokenOrigin, deploymentError, describeError, isDeploymentError } from './errors';
import { earlier, isBoundPassed, isDeadlineError, send, type Bound, type HttpContext } from './http';
import { armAuthorization, type GetToken } from './tokens';

/**
 * Proof that the host runs the deployed code: the app's function list through ARM,
 * `GET {siteId}/functions?api-version=...` (WebApps_ListFunctions, what `az functionapp function list` calls),
 * answers `{ value: [{ name: '<app>/<function>', properties: { name, ... } }], nextLink }`. A deployment that
 * succeeded can still leave the host with "0 functions found" (the classic Flex failure: package.json `main`
 * matching no built file, files missing from the zip), and right after a deployment the host is still
 * starting: the list is empty, or ARM relays the host's error, for a while. So the list is read until every
 * expected function is in it, within a bound.
 */

/**
 * The Microsoft.Web API version Microsoft's Flex samples use for sites (Microsoft.Web/sites@2024-04-01 in
 * Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep/core/host/function.bicep); its spec,
 * azure-rest-api-specs specification/web/resource-manager/Microsoft.Web/stable/2024-04-01/WebApps.json, holds
 * WebApps_ListFunctions (`GET .../sites/{name}/functions`), as every Web API version since 2016-08-01 does.
 */
export const FUNCTIONS_API_VERSION = '2024-04-01';
export const DEFAULT_ARM_BASE_URL = 'https://management.azure.com';

export interface FunctionCheck {
    /** The function app's ARM id: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>. */
    siteId: string;
    /** The functions the package defines; each must be listed. */
    expected: string[];
    /** How long to wait for the host to list them (default 5 minutes). */
    timeoutMs?: number;
    intervalMs?: number;
}

export interface ArmContext extends HttpContext {
    /** https://management.azure.com (http only for a loopback test server). */
    armBaseUrl: string;
    getToken: GetToken;
    sleep: (ms: number) => Promise<void>;
    log: (message: string) => void;
    /** The whole deployment's deadline, when it comes before the check's own. */
    overall?: Bound;
}

interface ArmFunctionList {
    value?: { name?: string; properties?: { name?: string } }[];
    nextLink?: string | null;
}

export function isSiteId(value: unknown): value is string {
    return (
        typeof value === 'string' &&
        /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i.test(value)
    );
}

/** A function's own name: `properties.name`, else the part of `<app>/<function>` after the slash. */
function functionName(entry: { name?: string; properties?: { name?: string } }): string | undefined {
    return entry.properties?.name ?? entry.name?.split('/').pop();
}

/** Every function name ARM lists (following nextLink on the same origin), or why the list is not there. */
async function listFunctions(
    arm: ArmContext,
    base: URL,
    siteId: string,
    bound: Bound,
): Promise<{ names: string[] } | { failure: string }> {
    const names: string[] = [];
    let url: string | undefined = new URL(`${siteId}/functions?api-version=${FUNCTIONS_API_VERSION}`, base).href;
    while (url) {
        const headers = { Authorization: await armAuthorization(arm.getToken), Accept: 'application/json' };
        const response = await send(arm, { method: 'GET', url, headers, bound, maxBytes: 1024 * 1024 });
        const text = response.text;
        if (response.status === 401 || response.status === 403) {
            throw deploymentError(
                `ARM refused to list the app's functions (HTTP ${response.status}) at ${url}: the deploying identity needs ` +
                    `Microsoft.Web/sites/functions/read on the app (Website Contributor or Contributor has it). ${text.slice(0, 2_000)}`.trim(),
            );
        }
        if (response.status !== 200) return { failure: `HTTP ${response.status} ${text.slice(0, 300)}`.trim() };
        let page: ArmFunctionList;
        try {
            page = JSON.parse(text) as ArmFunctionList;
        } catch {
            return { failure: `HTTP 200 with a body that is not JSON: ${text.slice(0, 200)}` };
        }
        for (const entry of page.value ?? []) {
            const name = functionName(entry);
            if (name) names.push(name);
        }
        const next: URL | undefined = page.nextLink ? new URL(page.nextLink, base) : undefined;
        url = next && next.origin === base.origin ? next.href : undefined;
    }
    return { names };
}

/** The ARM origin to ask, after checking the check's inputs: call it before deploying, to fail early. */
export function checkFunctionCheck(armBaseUrl: string, check: FunctionCheck): URL {
    if (!isSiteId(check.siteId)) {
        throw deploymentError(
            `'${check.siteId}' is not a function app's ARM id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>).`,
        );
    }
    return checkTokenOrigin(armBaseUrl, DEFAULT_ARM_BASE_URL);
}

/** Waits until ARM lists every expected function and returns the listed names; throws naming the missing ones. */
export async function waitForFunctions(arm: ArmContext, check: FunctionCheck): Promise<string[]> {
    const base = checkFunctionCheck(arm.armBaseUrl, check);
    const timeoutMs = check.timeoutMs ?? 5 * 60_000;
    const intervalMs = check.intervalMs ?? 10_000;
    const bound = earlier(
        { at: arm.now() + timeoutMs, name: `deadline of ${Math.round(timeoutMs / 1000)} s for the function list` },
        arm.overall,
    );
    const deadline = bound.at;
    let last = 'no answer yet';
    let missing = check.expected;
    for (;;) {
        let passed = false;
        try {
            const listed = await listFunctions(arm, base, check.siteId, bound);
            if ('names' in listed) {
                missing = check.expected.filter((name) => !listed.names.includes(name));
                if (missing.length === 0) {
                    arm.log(`The host lists the deployed functions: ${listed.names.join(', ')}`);
                    return listed.names;
                }
                last = `listed: ${listed.names.length ? listed.names.join(', ') : 'no functions'}`;
            } else {
                last = listed.failure;
            }
        } catch (err) {
            if (isDeploymentError(err) && !isBoundPassed(err)) throw err;
            passed = isBoundPassed(err);
            last = isDeadlineError(err) || passed ? (err as Error).message : `network error: ${describeError(err)}`;
        }
        if (passed || arm.now() + intervalMs >= deadline) {
            throw deploymentError(
                `After ${Math.round(timeoutMs / 1000)} s the app still does not list the function(s) ${missing.join(', ')} ` +
                    `(last answer from ARM: ${last}). The host did not index the deployed code. Classic causes: package.json ` +
                    '`main` matches no file in the zip, or files are missing from the zip (check the package with `npm run package`); ' +
                    "or the host fails to start (see the app's log stream or Application Insights).",
            );
        }
        arm.log(`Waiting for the host to list ${missing.join(', ')} (${last})`);
        await arm.sleep(intervalMs);
    }
}
