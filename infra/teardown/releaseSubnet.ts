/**
 * Frees the app subnet of a Flex Consumption app before `pulumi destroy` deletes the site and the network.
 *
 * A Flex app's VNet integration puts a service association link (`legionservicelink`) on its delegated
 * subnet. Deleted together with the site, the link can outlive it for hours and block deleting the subnet
 * (Azure/Azure-Functions#2605; Microsoft's answer there: turn the VNet integration off before deleting the
 * app). So, before the site goes: disconnect the integration (`DELETE <site>/networkConfig/virtualNetwork`,
 * the call behind `az functionapp vnet-integration remove`, azure-cli `web_apps.delete_swift_virtual_network`),
 * and once the site is gone wait until the subnet lists no service association link, so the subnet delete
 * that follows succeeds.
 * Pure logic: HTTP, token, clock and sleep are injected (tests run it against a fake ARM in virtual time).
 */

import { checkTokenOrigin, describeError } from '../deployment/errors';
import { DEFAULT_ARM_BASE_URL, FUNCTIONS_API_VERSION } from '../deployment/functionCheck';
import {
    DEFAULT_DEADLINES,
    duration,
    isBoundPassed,
    isDeadlineError,
    send,
    tokenWithin,
    type Answer,
    type Bound,
    type RequestDeadlines,
} from '../deployment/http';
import { retryAfterMs, retryDelay } from '../deployment/retryAfter';
import { armAuthorization, type GetToken } from '../deployment/tokens';

/** The Microsoft.Web version Microsoft's Flex samples use, as for the function list. */
export const WEB_API_VERSION = FUNCTIONS_API_VERSION;
export const NETWORK_API_VERSION = '2024-05-01';

export interface ArmAccess {
    /** Asked for Resource Manager's own audience (this is ARM, not Kudu). */
    getToken: GetToken;
    fetch?: typeof fetch;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    log?: (message: string) => void;
    /** ARM's base URL (a loopback fake in tests). */
    armEndpoint?: string;
    /** How long to keep trying, in-flight requests included; default 30 min. */
    timeoutMs?: number;
    pollIntervalMs?: number;
    /** Each request's deadlines (default DEFAULT_DEADLINES) and the token's (default 60 s). */
    deadlines?: Partial<RequestDeadlines>;
    tokenTimeoutMs?: number;
}

/** The longest Retry-After waited for; a longer one stops, as azcore does (see deployment/retryAfter.ts). */
const MAX_RETRY_AFTER_MS = 60_000;

const ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^?#]+$/i;

function checkArmId(kind: string, id: string): void {
    if (!ARM_ID.test(id))
        throw new Error(`${kind} '${id}' is not an ARM resource id (/subscriptions/.../providers/...).`);
}

function session(access: ArmAccess, step: string) {
    const timeoutMs = access.timeoutMs ?? 30 * 60_000;
    const minutes = Math.round(timeoutMs / 60_000);
    const bound: Bound = { at: access.now() + timeoutMs, name: `${duration(timeoutMs)} deadline of ${step}` };
    const ctx = {
        http: access.fetch ?? fetch,
        now: access.now,
        deadlines: { ...DEFAULT_DEADLINES, ...access.deadlines },
    };
    const tokenMs = access.tokenTimeoutMs ?? 60_000;
    const getToken: GetToken = (scope) =>
        tokenWithin((abortSignal) => access.getToken(scope, { abortSignal }), `Entra ID token for ${scope}`, tokenMs);
    return {
        base: checkTokenOrigin(access.armEndpoint ?? DEFAULT_ARM_BASE_URL, DEFAULT_ARM_BASE_URL).origin,
        log: access.log ?? (() => undefined),
        minutes,
        /**
         * One bounded ARM request; a per-request deadline or a network error is an answer of status 0 (tried again).
         */
        request: async (method: string, url: string, maxBytes = 64 * 1024): Promise<Answer & { failure?: string }> => {
            try {
                return await send(ctx, {
                    method,
                    url,
                    headers: { Authorization: await armAuthorization(getToken), Accept: 'application/json' },
                    bound,
                    maxBytes,
                });
            } catch (err) {
                if (isBoundPassed(err) || !(isDeadlineError(err) || err instanceof TypeError)) throw err;
                const failure = isDeadlineError(err) ? (err as Error).message : `network error: ${describeError(err)}`;
                return { status: 0, headers: new Headers(), body: Buffer.alloc(0), text: failure, failure };
            }
        },
        /** The wait before the next try (interval, or a Retry-After within the cap), or why there is none. */
        next: (answer: Answer) =>
            retryDelay(retryAfterMs(answer.headers, access.now), access.pollIntervalMs ?? 15_000, MAX_RETRY_AFTER_MS, {
                left: bound.at - access.now(),
                name: bound.name,
            }),
    };
}

/**
 * Before the site is deleted: turn its VNet integration off. Returns false when there was none to turn off
 * (404), or when ARM refuses the operation for this site (400): the wait after the site is gone covers both.
 */
export async function disconnectVnetIntegration(siteId: string, access: ArmAccess): Promise<boolean> {
    checkArmId('siteId', siteId);
    const { base, log, request, next } = session(access, 'disconnecting the VNet integration');
    const url = `${base}${siteId}/networkConfig/virtualNetwork?api-version=${WEB_API_VERSION}`;
    for (let attempt = 1; ; attempt++) {
        const response = await request('DELETE', url);
        const body = response.text.slice(0, 2_000);
        if (response.status === 200 || response.status === 204) {
            log(`Disconnected the VNet integration of ${siteId} (HTTP ${response.status}).`);
            return true;
        }
        if (response.status === 404 || response.status === 400) {
            log(
                `No VNet integration to disconnect on ${siteId} (HTTP ${response.status} ${body}); the subnet is checked after the site is deleted.`,
            );
            return false;
        }
        // 409 AnotherOperationInProgress, 429, 5xx, network errors and passed request deadlines pass; 401/403 need the
        // user.
        const retryable =
            response.status === 0 || response.status === 409 || response.status === 429 || response.status >= 500;
        const answered = response.failure ?? `HTTP ${response.status} ${body}`.trim();
        const wait = retryable ? next(response) : { note: 'not retried' };
        if (wait.delayMs === undefined) {
            const hint =
                response.status === 401 || response.status === 403
                    ? 'The identity running `pulumi destroy` needs Microsoft.Web/sites/networkConfig/delete on the app (e.g. Website Contributor); run `pulumi destroy` again.'
                    : 'ARM did not complete it; run `pulumi destroy` again.';
            throw new Error(
                `Could not disconnect the VNet integration of ${siteId} before deleting the app: DELETE ${url} answered ${answered}; ${wait.note}. ${hint}`,
            );
        }
        log(`Disconnecting the VNet integration: ${answered} (attempt ${attempt}); ${wait.note}.`);
        await access.sleep(wait.delayMs);
    }
}

interface SubnetBody {
    properties?: { serviceAssociationLinks?: { name?: string; properties?: { linkedResourceType?: string } }[] };
}

/**
 * After the site is deleted, before the subnet is: wait until the subnet lists no service association link.
 * Returns the number of polls.
 */
export async function waitUntilSubnetReleased(subnetId: string, access: ArmAccess): Promise<number> {
    checkArmId('subnetId', subnetId);
    const { base, log, minutes, request, next } = session(access, 'waiting for the subnet');
    const url = `${base}${subnetId}?api-version=${NETWORK_API_VERSION}`;
    for (let polls = 1; ; polls++) {
        // Up to 4 MiB: a subnet's JSON (IP configurations, delegations) can exceed a message-sized body.
        const response = await request('GET', url, 4 * 1024 * 1024);
        if (response.status === 404) return polls;
        const text = response.text;
        let links: string[] | undefined;
        if (response.status === 200) {
            try {
                links = ((JSON.parse(text) as SubnetBody).properties?.serviceAssociationLinks ?? []).map(
                    (l) => l.name ?? l.properties?.linkedResourceType ?? '?',
                );
            } catch {
                links = undefined;
            }
        }
        if (links?.length === 0) {
            log(`The subnet ${subnetId} holds no service association link: it can be deleted.`);
            return polls;
        }
        if (response.status === 401 || response.status === 403) {
            throw new Error(
                `Reading the subnet ${subnetId} answered HTTP ${response.status}: the identity running \`pulumi destroy\` needs Microsoft.Network/virtualNetworks/subnets/read (e.g. Reader) on it.`,
            );
        }
        const state = links
            ? `still linked by ${links.join(', ')}`
            : `unreadable (${response.failure ?? `HTTP ${response.status}`})`;
        const wait = next(response);
        if (wait.delayMs === undefined) {
            throw new Error(
                `The subnet ${subnetId} is ${state} ${minutes} min after the app was deleted (Azure/Azure-Functions#2605). ` +
                    'Azure removes the link on its own: run `pulumi destroy` again later; nothing needs cleaning up by hand.',
            );
        }
        log(`Waiting for Azure to remove the subnet's service association link (${state}); ${wait.note}.`);
        await access.sleep(wait.delayMs);
    }
}
