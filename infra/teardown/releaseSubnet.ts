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

import { bodyText, checkTokenOrigin } from '../deployment/errors';
import { DEFAULT_ARM_BASE_URL, FUNCTIONS_API_VERSION } from '../deployment/functionCheck';
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
    /** How long to keep trying; default 30 min. */
    timeoutMs?: number;
    pollIntervalMs?: number;
}

const ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^?#]+$/i;

function checkArmId(kind: string, id: string): void {
    if (!ARM_ID.test(id)) throw new Error(`${kind} '${id}' is not an ARM resource id (/subscriptions/.../providers/...).`);
}

function session(access: ArmAccess) {
    const timeoutMs = access.timeoutMs ?? 30 * 60_000;
    return {
        http: access.fetch ?? fetch,
        base: checkTokenOrigin(access.armEndpoint ?? DEFAULT_ARM_BASE_URL, DEFAULT_ARM_BASE_URL).origin,
        log: access.log ?? (() => undefined),
        deadline: access.now() + timeoutMs,
        minutes: Math.round(timeoutMs / 60_000),
        interval: access.pollIntervalMs ?? 15_000,
        headers: async () => ({ Authorization: await armAuthorization(access.getToken), Accept: 'application/json' }),
    };
}

/**
 * Before the site is deleted: turn its VNet integration off. Returns false when there was none to turn off
 * (404), or when ARM refuses the operation for this site (400): the wait after the site is gone covers both.
 */
export async function disconnectVnetIntegration(siteId: string, access: ArmAccess): Promise<boolean> {
    checkArmId('siteId', siteId);
    const { http, base, log, deadline, interval, headers } = session(access);
    const url = `${base}${siteId}/networkConfig/virtualNetwork?api-version=${WEB_API_VERSION}`;
    for (let attempt = 1; ; attempt++) {
        const response = await http(url, { method: 'DELETE', headers: await headers() });
        const body = await bodyText(response);
        if (response.status === 200 || response.status === 204) {
            log(`Disconnected the VNet integration of ${siteId} (HTTP ${response.status}).`);
            return true;
        }
        if (response.status === 404 || response.status === 400) {
            log(`No VNet integration to disconnect on ${siteId} (HTTP ${response.status} ${body}); the subnet is checked after the site is deleted.`);
            return false;
        }
        // 409 AnotherOperationInProgress, 429 and 5xx pass; 401/403 need the user.
        const retryable = response.status === 409 || response.status === 429 || response.status >= 500;
        if (!retryable || access.now() + interval > deadline) {
            throw new Error(
                `Could not disconnect the VNet integration of ${siteId} before deleting the app: DELETE ${url} answered HTTP ${response.status} ${body}. ` +
                    'The identity running `pulumi destroy` needs Microsoft.Web/sites/networkConfig/delete on the app (e.g. Website Contributor); run `pulumi destroy` again.',
            );
        }
        log(`Disconnecting the VNet integration: HTTP ${response.status} (attempt ${attempt}); retrying in ${interval / 1000} s.`);
        await access.sleep(interval);
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
    const { http, base, log, deadline, minutes, interval, headers } = session(access);
    const url = `${base}${subnetId}?api-version=${NETWORK_API_VERSION}`;
    for (let polls = 1; ; polls++) {
        const response = await http(url, { headers: await headers() });
        if (response.status === 404) return polls;
        // Whole: a subnet's JSON (IP configurations, delegations) can exceed a message-sized body.
        const text = await response.text().catch(() => '');
        let links: string[] | undefined;
        if (response.status === 200) {
            try {
                links = ((JSON.parse(text) as SubnetBody).properties?.serviceAssociationLinks ?? []).map((l) => l.name ?? l.properties?.linkedResourceType ?? '?');
            } catch {
                links = undefined;
            }
        }
        if (links?.length === 0) {
            log(`The subnet ${subnetId} holds no service association link: it can be deleted.`);
            return polls;
        }
        if (response.status === 401 || response.status === 403) {
            throw new Error(`Reading the subnet ${subnetId} answered HTTP ${response.status}: the identity running \`pulumi destroy\` needs Microsoft.Network/virtualNetworks/subnets/read (e.g. Reader) on it.`);
        }
        const state = links ? `still linked by ${links.join(', ')}` : `unreadable (HTTP ${response.status})`;
        if (access.now() + interval > deadline) {
            throw new Error(
                `The subnet ${subnetId} is ${state} ${minutes} min after the app was deleted (Azure/Azure-Functions#2605). ` +
                    'Azure removes the link on its own: run `pulumi destroy` again later; nothing needs cleaning up by hand.',
            );
        }
        log(`Waiting for Azure to remove the subnet's service association link (${state}); next check in ${interval / 1000} s.`);
        await access.sleep(interval);
    }
}
