import type * as http from 'node:http';
import { FUNCTIONS_API_VERSION } from '../../infra/deployment/functionCheck';
import { AUDIENCE, FakeServer, type RecordedRequest } from './fakeServer';

/**
 * A local stand-in for ARM's function list of one app, `GET {siteId}/functions?api-version=...`
 * (WebApps_ListFunctions): `{ value: [{ id, name: '<app>/<function>', type, properties: { name, ... } }], nextLink }`.
 * It takes ARM tokens (either ARM audience) and answers 401 to others, e.g. an App Service token.
 * While the host starts and indexes, the list is empty or ARM relays the host's error.
 */
export interface FakeArmScript {
    /** What the host lists once it has indexed the package. */
    functions?: string[];
    /** Answers before the host has indexed the package. */
    whileIndexing?: ('empty' | 'hostError' | 'notFound')[];
    /** Functions per page (nextLink to the rest). */
    pageSize?: number;
    /** Answer this status to every list request (e.g. 403). */
    status?: number;
    /**
     * The site itself, for `npm run dashboard`: WebApps_Get (`GET {siteId}`) and WebApps_ListHostKeys (`POST
     * {siteId}/host/default/listkeys`).
     */
    site?: { defaultHostName: string; systemKeys?: Record<string, string>; listKeysStatus?: number };
    /** Subscriptions - List (`GET /subscriptions`): what the login sees. */
    subscriptions?: { subscriptionId: string; displayName: string; state?: string }[];
}

export const SITE_ID =
    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-hello/providers/Microsoft.Web/sites/func-hello';
/** Function names of a package (the fixture app test/apps/workflow's orchestrator, activity and starter). */
export const ALL_FUNCTIONS = ['processOrder', 'reserveStock', 'startWorkflow'];

export class FakeArm extends FakeServer {
    #indexing: NonNullable<FakeArmScript['whileIndexing']>;

    constructor(private readonly script: FakeArmScript = {}) {
        super();
        this.#indexing = [...(script.whileIndexing ?? [])];
    }

    protected accepts(audience: string): boolean {
        return audience === AUDIENCE.arm || audience === `${AUDIENCE.arm}/` || audience === AUDIENCE.legacyArm;
    }

    #entry(name: string) {
        return {
            id: `${SITE_ID}/functions/${name}`,
            name: `func-hello/${name}`,
            type: 'Microsoft.Web/sites/functions',
            properties: { name, function_app_id: SITE_ID, language: 'node', isDisabled: false },
        };
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const url = new URL(request.path, this.baseUrl);
        const route = `${request.method} ${url.pathname}`;
        const version = url.searchParams.get('api-version');
        if (route === 'GET /subscriptions' && this.script.subscriptions)
            return this.json(res, 200, { value: this.script.subscriptions });
        const site = this.script.site;
        if (
            site &&
            version === FUNCTIONS_API_VERSION &&
            (route === `GET ${SITE_ID}` || route === `POST ${SITE_ID}/host/default/listkeys`)
        ) {
            if (request.method === 'GET')
                return this.json(res, 200, {
                    id: SITE_ID,
                    name: 'func-hello',
                    properties: { defaultHostName: site.defaultHostName },
                });
            if (site.listKeysStatus === 403) {
                const message = `The client 'deployer' does not have authorization to perform action 'Microsoft.Web/sites/host/listkeys/action' over scope '${SITE_ID}/host/default'.`;
                return this.json(res, 403, { error: { code: 'AuthorizationFailed', message } });
            }
            return this.json(res, 200, {
                masterKey: 'master-key-not-for-the-dashboard',
                functionKeys: { default: 'function-key' },
                systemKeys: site.systemKeys ?? {},
            });
        }
        if (request.method !== 'GET' || url.pathname !== `${SITE_ID}/functions` || version !== FUNCTIONS_API_VERSION) {
            const message = `The Resource '${url.pathname.split('/providers/')[1] ?? url.pathname}' was not found. (no route for ${route})`;
            return this.json(res, 404, { error: { code: 'ResourceNotFound', message } });
        }
        if (this.script.status)
            return this.json(res, this.script.status, {
                error: { code: 'AuthorizationFailed', message: 'does not have authorization' },
            });
        const indexing = url.searchParams.has('skip') ? undefined : this.#indexing.shift();
        if (indexing === 'empty') return this.json(res, 200, { value: [], nextLink: null });
        if (indexing === 'hostError') {
            return this.json(res, 400, {
                Code: 'BadRequest',
                Message: 'Encountered an error (ServiceUnavailable) from host runtime.',
            });
        }
        if (indexing === 'notFound')
            return this.json(res, 404, { Code: 'NotFound', Message: 'Error retrieving functions.' });
        const all = this.script.functions ?? ALL_FUNCTIONS;
        const skip = Number(url.searchParams.get('skip') ?? 0);
        const size = this.script.pageSize ?? all.length;
        const rest = skip + size < all.length;
        const next = new URL(url);
        next.searchParams.set('skip', String(skip + size));
        this.json(res, 200, {
            value: all.slice(skip, skip + size).map((name) => this.#entry(name)),
            nextLink: rest ? next.href : null,
        });
    }
}
