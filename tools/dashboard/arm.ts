import { checkTokenOrigin, describeError } from '../../infra/deployment/errors';
import { DEFAULT_DEADLINES, send, tokenWithin, type Answer } from '../../infra/deployment/http';
import { DEFAULT_ARM_BASE_URL, FUNCTIONS_API_VERSION } from '../../infra/deployment/functionCheck';
import { ARM_SCOPE, type GetToken } from '../../infra/deployment/tokens';

/**
 * The ARM calls behind `npm run dashboard`, with errors that say what to do. Reading the key:
 * `POST {siteId}/host/default/listkeys` (WebApps_ListHostKeys, https://learn.microsoft.com/rest/api/appservice/web-apps/list-host-keys),
 * which answers HostKeys `{ masterKey, functionKeys: {...}, systemKeys: {...} }` (azure-rest-api-specs
 * specification/web/resource-manager/Microsoft.Web/stable/2024-04-01/WebApps.json); the Durable extension's
 * key is `systemKeys.durabletask_extension` (azure-functions-host DefaultScriptWebHookProvider.GetKeyName:
 * `<extension>_extension`). Authorization: the action `Microsoft.Web/sites/host/listkeys/action`
 * (https://learn.microsoft.com/azure/role-based-access-control/permissions/web-and-mobile#microsoftweb),
 * which Website Contributor (`Microsoft.Web/sites/*`) and Contributor have and Reader has not.
 */
export const WEB_API_VERSION = FUNCTIONS_API_VERSION;
/** Subscriptions - List (https://learn.microsoft.com/rest/api/resources/subscriptions/list). */
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
export const LISTKEYS_ACTION = 'Microsoft.Web/sites/host/listkeys/action';
export const DURABLE_KEY_NAME = 'durabletask_extension';

export class DashboardError extends Error {}

export interface ArmClient {
    /** https://management.azure.com (http only for a loopback test server). */
    baseUrl: string;
    fetch: typeof fetch;
    getToken: GetToken;
}

export const DEFAULT_ARM = DEFAULT_ARM_BASE_URL;

export interface SiteRef {
    subscriptionId: string;
    resourceGroup: string;
    appName: string;
}

export const siteId = (site: SiteRef): string =>
    `/subscriptions/${encodeURIComponent(site.subscriptionId)}/resourceGroups/${encodeURIComponent(site.resourceGroup)}/providers/Microsoft.Web/sites/${encodeURIComponent(site.appName)}`;

const SIGN_IN = 'Sign in with `az login` (or `azd auth login`, or Connect-AzAccount), then run this again.';

/**
 * Each ARM call, token included, is bounded (infra/deployment/http.ts): a hung ARM or login does not hang the
 * dashboard.
 */
const CALL_TIMEOUT_MS = 2 * 60_000;
const TOKEN_TIMEOUT_MS = 60_000;

async function authorization(arm: ArmClient): Promise<string> {
    let token: string;
    try {
        token = await tokenWithin(
            (abortSignal) => arm.getToken(ARM_SCOPE, { abortSignal }),
            `Entra ID token for ${ARM_SCOPE}`,
            TOKEN_TIMEOUT_MS,
        );
    } catch (err) {
        throw new DashboardError(
            `Not signed in to Azure: no Entra ID token for ${ARM_SCOPE} (${describeError(err).split('\n')[0]}). ${SIGN_IN}`,
        );
    }
    if (!token)
        throw new DashboardError(
            `Not signed in to Azure: the credential returned an empty token for ${ARM_SCOPE}. ${SIGN_IN}`,
        );
    return `Bearer ${token}`;
}

interface Call {
    method: 'GET' | 'POST';
    path: string;
    apiVersion: string;
    /** What the call does, for messages: "read the app's keys". */
    what: string;
    /** What a 403 needs, for the message. */
    needs: string;
    /** What a 404 means, for the message. */
    notFound: string;
}

export async function call(arm: ArmClient, c: Call): Promise<unknown> {
    const base = checkTokenOrigin(arm.baseUrl, DEFAULT_ARM);
    const url = new URL(`${c.path}?api-version=${c.apiVersion}`, base);
    let response: Answer;
    try {
        const headers = { Authorization: await authorization(arm), Accept: 'application/json' };
        const bound = {
            at: Date.now() + CALL_TIMEOUT_MS,
            name: `${CALL_TIMEOUT_MS / 60_000} min deadline to ${c.what}`,
        };
        response = await send(
            { http: arm.fetch, now: Date.now, deadlines: DEFAULT_DEADLINES },
            { method: c.method, url: url.href, headers, bound, maxBytes: 1024 * 1024 },
        );
    } catch (err) {
        if (err instanceof DashboardError) throw err;
        throw new DashboardError(
            `Could not reach ARM at ${base.origin} to ${c.what}: ${describeError(err)}. Check the network or proxy settings.`,
        );
    }
    if (response.status >= 200 && response.status < 300) {
        try {
            return JSON.parse(response.text);
        } catch {
            throw new DashboardError(
                `ARM answered ${c.what} with HTTP ${response.status} and a body that is not JSON.`,
            );
        }
    }
    const detail = armErrorText(response.text.slice(0, 2_000));
    if (response.status === 401)
        throw new DashboardError(
            `ARM rejected the sign-in (HTTP 401) when asked to ${c.what}: ${detail} ${SIGN_IN} The login must be in the app's tenant.`,
        );
    if (response.status === 403) throw new DashboardError(`You may not ${c.what} (HTTP 403): ${detail} ${c.needs}`);
    if (response.status === 404) throw new DashboardError(`${c.notFound} (HTTP 404): ${detail}`);
    throw new DashboardError(`ARM answered HTTP ${response.status} when asked to ${c.what}: ${detail}`);
}

/** `{ error: { code, message } }` as `code: message`; other bodies as they are. */
function armErrorText(text: string): string {
    try {
        const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        if (error?.code || error?.message) return [error.code, error.message].filter(Boolean).join(': ');
    } catch {
        // not JSON
    }
    return text || '(no details)';
}

/** The only enabled subscription the login sees; else an error listing them. */
export async function onlySubscription(arm: ArmClient): Promise<string> {
    const body = (await call(arm, {
        method: 'GET',
        path: '/subscriptions',
        apiVersion: SUBSCRIPTIONS_API_VERSION,
        what: 'list your subscriptions',
        needs: 'Pass --subscription <id>.',
        notFound: 'ARM has no subscription list here',
    })) as { value?: { subscriptionId?: string; displayName?: string; state?: string }[] };
    const enabled = (body.value ?? []).filter((s) => s.subscriptionId && (s.state ?? 'Enabled') === 'Enabled');
    if (enabled.length === 1) return enabled[0].subscriptionId as string;
    if (enabled.length === 0)
        throw new DashboardError(
            `Your login sees no enabled subscription. Sign in with the account that deployed the app (\`az login\`), or pass --subscription <id>.`,
        );
    const list = enabled.map((s) => `${s.displayName ?? '?'} (${s.subscriptionId})`).join(', ');
    throw new DashboardError(
        `Your login sees ${enabled.length} subscriptions: pass --subscription <id>, one of ${list}.`,
    );
}

const appNotFound = (site: SiteRef): string =>
    `No function app '${site.appName}' in resource group '${site.resourceGroup}' of subscription ${site.subscriptionId}. ` +
    'Check the names (`az functionapp list -o table`), the subscription (--subscription) and that the stack is deployed';

/** The app's public host name (`properties.defaultHostName`, WebApps_Get). */
export async function appHostName(arm: ArmClient, site: SiteRef): Promise<string> {
    const body = (await call(arm, {
        method: 'GET',
        path: siteId(site),
        apiVersion: WEB_API_VERSION,
        what: `read the function app '${site.appName}'`,
        needs: 'Reading it needs Microsoft.Web/sites/read on the app (the Reader role has it).',
        notFound: appNotFound(site),
    })) as { properties?: { defaultHostName?: string } };
    const hostName = body.properties?.defaultHostName;
    if (!hostName) throw new DashboardError(`ARM's answer for '${site.appName}' has no properties.defaultHostName.`);
    return hostName;
}

/** The Durable extension's system key. Never logged: callers keep it in memory only. */
export async function durableSystemKey(arm: ArmClient, site: SiteRef): Promise<string> {
    const body = (await call(arm, {
        method: 'POST',
        path: `${siteId(site)}/host/default/listkeys`,
        apiVersion: WEB_API_VERSION,
        what: `read the keys of the function app '${site.appName}'`,
        needs:
            `Reading the Durable extension's system key needs the action ${LISTKEYS_ACTION} on the app: ask for the Website Contributor ` +
            `role (or Contributor) on it or its resource group, e.g. \`az role assignment create --assignee <you> --role "Website Contributor" --scope ${siteId(site)}\`.`,
        notFound: appNotFound(site),
    })) as { systemKeys?: Record<string, unknown> };
    const key = body.systemKeys?.[DURABLE_KEY_NAME];
    if (typeof key !== 'string' || !key) {
        throw new DashboardError(
            `The app has no ${DURABLE_KEY_NAME} system key yet: the Functions host creates it when the Durable extension first starts. ` +
                'Call the app once (e.g. `npm run smoke`), then run this again.',
        );
    }
    return key;
}
