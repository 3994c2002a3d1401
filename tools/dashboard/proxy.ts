import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DASHBOARD_PATH, dashboardHandler } from '../local-host/dashboard/serve';
import type { DashboardConfig } from '../local-host/dashboard/src/types';
import { WEBHOOK_PATH } from '../local-host/durable-api/clientBinding';
import { HttpError, readBody } from '../local-host/http/respond';
import { listen } from '../local-host/http/server';
import { redactQuerySecrets } from '../cli/redact';
import {
    answerFor,
    CONTINUATION,
    ContinuationTokens,
    JSON_SECURITY_HEADERS,
    UpstreamRefused,
    type Answer,
} from './answer';
import { routeApiRequest, type ApiRoute, type Refusal } from './route';
import { scrubber } from './scrub';

/**
 * The dashboard for a deployed app: serves the local host's dashboard page on 127.0.0.1 and forwards its
 * `/runtime/webhooks/durabletask/...` calls to the app with the extension's system key added as `code=`
 * (the extension's API takes it there: https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-http-api).
 * The key stays in this process: the page never has it, answers are the API's JSON scrubbed of it and
 * re-serialised (answer.ts, scrub.ts), logs name only paths. Each request is routed as the extension will
 * read it and sent upstream in one canonical spelling (route.ts); read-only unless `allowActions`: then only
 * the instance actions the page offers pass, and purging by filter never does.
 */
export interface KeySource {
    /** The key (read once, kept in memory). */
    current(): Promise<string>;
    /** Reads it again (the app answered 401: the key was renewed). */
    refresh(): Promise<string>;
}

export interface ProxyOptions {
    /** The app's origin, e.g. https://func-hello.azurewebsites.net. */
    upstream: string;
    keys: KeySource;
    allowActions: boolean;
    /** Shown in the page's header. */
    label: string;
    port: number;
    log: (line: string) => void;
    fetch?: typeof fetch;
}

export interface RunningProxy {
    url: string;
    port: number;
    close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const UPSTREAM_TIMEOUT_MS = 100_000;
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type'];
export const READ_ONLY_HINT =
    'Read-only: start the dashboard with --allow-actions to terminate, suspend, resume, raise events, restart, rewind and purge.';

/** Every answer of the proxy's own (errors, redirects) is JSON with the same CSP and nosniff as the API's. */
function answer(
    res: ServerResponse,
    status: number,
    body: Record<string, unknown> | undefined,
    headers: Record<string, string> = {},
): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
        ...JSON_SECURITY_HEADERS,
        ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'content-length': String(Buffer.byteLength(text)),
        ...headers,
    });
    res.end(text);
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
    const http = options.fetch ?? fetch;
    const upstream = new URL(options.upstream).origin;
    const config: DashboardConfig = {
        label: options.label,
        actions: options.allowActions,
        actionsHint: READ_ONLY_HINT,
        listing: 'standard',
        // Each refresh is a few requests to the app: every 5 s, not every second as locally.
        refreshMs: 5000,
    };
    const serveDashboard = dashboardHandler(config);
    const tokens = new ContinuationTokens();
    let port = options.port;
    const origins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    // Log lines name only paths, and never the key in any encoding (the page could put it in a path).
    const log = async (line: string): Promise<void> =>
        options.log(redactQuerySecrets(scrubber(await options.keys.current(), upstream, upstream).text(line)));

    function refusal(req: IncomingMessage, route: ApiRoute | Refusal): Refusal | undefined {
        if ('refused' in route) return route;
        if (!route.write) return undefined;
        // A page of another site may send a form here: writes must come from the dashboard's own page.
        if (!origins().includes(String(req.headers.origin)))
            return {
                status: 403,
                refused: `Refused ${req.method} from origin ${req.headers.origin ?? '(none)'}: actions come only from the dashboard's page.`,
            };
        if (!options.allowActions) return { status: 403, refused: READ_ONLY_HINT };
        return undefined;
    }

    async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const method = (req.method ?? 'GET').toUpperCase();
        const route = routeApiRequest(method, req.url ?? '/');
        const refused = refusal(req, route);
        if (refused || 'refused' in route) {
            const reason = refused?.refused ?? (route as Refusal).refused;
            await log(`Refused ${method} ${(req.url ?? '').split('?')[0]}: ${reason}`);
            return answer(res, refused?.status ?? 403, { error: reason, readOnly: !options.allowActions });
        }
        const body = route.forwardsBody ? await readBody(req, MAX_BODY_BYTES) : undefined;
        const headers: Record<string, string> = {};
        for (const name of FORWARDED_REQUEST_HEADERS) {
            const value = req.headers[name];
            if (typeof value === 'string') headers[name] = value;
        }
        const handle = req.headers[CONTINUATION];
        if (typeof handle === 'string' && handle !== '') {
            const token = tokens.tokenOf(handle);
            if (token === undefined)
                return answer(res, 400, {
                    error: 'That continuation token is not one this dashboard handed out (it was restarted?): reload the page.',
                });
            headers[CONTINUATION] = token;
        }
        const send = async (key: string): Promise<Response> => {
            const target = new URL(route.upstreamPath, upstream);
            target.search = route.query.toString();
            target.searchParams.set('code', key);
            return http(target, {
                method,
                headers,
                body: body && body.length ? new Uint8Array(body) : undefined,
                redirect: 'manual',
                signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
            });
        };
        let response: Response;
        let responseBody: Uint8Array;
        try {
            response = await send(await options.keys.current());
            if (response.status === 401) {
                await response.body?.cancel();
                response = await send(await options.keys.refresh());
            }
            responseBody = new Uint8Array(await response.arrayBuffer());
        } catch (err) {
            const reason = err instanceof Error ? err.message : String(err);
            return answer(res, 502, {
                error: scrubber(await options.keys.current(), upstream, upstream).text(
                    `The request to ${upstream} failed: ${reason}`,
                ),
            });
        }
        if (response.status === 401)
            return answer(res, 502, {
                error: `${upstream} refused the Durable extension's system key (HTTP 401), even after reading it again.`,
            });
        const scrub = scrubber(await options.keys.current(), upstream, `http://${req.headers.host}`);
        let reply: Answer;
        try {
            reply = answerFor(
                { status: response.status, headers: response.headers, body: responseBody },
                { upstream, local: `http://${req.headers.host}`, scrub, tokens },
            );
        } catch (err) {
            if (!(err instanceof UpstreamRefused)) throw err;
            await log(`${method} ${route.upstreamPath}: ${err.message}`);
            return answer(res, 502, { error: err.message, upstreamStatus: response.status });
        }
        if (route.write) await log(`${method} ${route.upstreamPath} → HTTP ${response.status}`);
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
    }

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        // Only this machine's names: a DNS-rebinding page under another name gets nothing.
        if (
            !origins()
                .map((o) => o.slice('http://'.length))
                .includes(String(req.headers.host))
        ) {
            return answer(res, 421, { error: `This dashboard answers only at ${origins().join(' or ')}.` });
        }
        const url = new URL(req.url ?? '/', origins()[0]);
        if (url.pathname === '/') return answer(res, 302, undefined, { location: DASHBOARD_PATH });
        if (await serveDashboard(req, res)) return;
        if (url.pathname.toLowerCase().startsWith(`${WEBHOOK_PATH}/`)) return forward(req, res);
        answer(res, 404, { error: `Nothing at ${url.pathname}. Open ${DASHBOARD_PATH}.` });
    }

    const server: Server = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
            const status = err instanceof HttpError ? err.status : 500;
            if (!res.headersSent) answer(res, status, { error: err instanceof Error ? err.message : String(err) });
            else res.end();
        });
    });
    port = await listen(server, options.port, '127.0.0.1');
    return {
        url: `http://127.0.0.1:${port}${DASHBOARD_PATH}`,
        port,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
