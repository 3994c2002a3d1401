import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DASHBOARD_PATH, dashboardHandler } from '../local-host/dashboard/serve';
import type { DashboardConfig } from '../local-host/dashboard/src/types';
import { WEBHOOK_PATH } from '../local-host/durable-api/clientBinding';
import { HttpError, readBody, sendError } from '../local-host/http/respond';
import { listen } from '../local-host/http/server';
import { scrubber } from './scrub';

/**
 * The dashboard for a deployed app: serves the local host's dashboard page on 127.0.0.1 and forwards its
 * `/runtime/webhooks/durabletask/...` calls to the app with the extension's system key added as `code=`
 * (the extension's API takes it there: https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-http-api).
 * The key stays in this process: the page never has it, answers are scrubbed of it (see scrub.ts), logs
 * name only paths. Read-only unless `allowActions`: then only the instance actions the page offers pass.
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
/** The actions the page sends; every other write (starting orchestrations, purging by filter, entities) stays refused. */
const ACTIONS: { method: string; pattern: RegExp }[] = [
    { method: 'POST', pattern: /^\/instances\/[^/]+\/(terminate|suspend|resume|restart|rewind)\/?$/ },
    { method: 'POST', pattern: /^\/instances\/[^/]+\/raiseEvent\/[^/]+\/?$/ },
    { method: 'DELETE', pattern: /^\/instances\/[^/]+\/?$/ },
];
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'x-ms-continuation-token'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-ms-continuation-token', 'retry-after', 'location'];
export const READ_ONLY_HINT = 'Read-only: start the dashboard with --allow-actions to terminate, suspend, resume, raise events, restart, rewind and purge.';

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
    let port = options.port;
    const origins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

    function refusal(req: IncomingMessage, path: string): string | undefined {
        const method = (req.method ?? 'GET').toUpperCase();
        if (method === 'GET' || method === 'HEAD') return undefined;
        // A page of another site may send a form here: writes must come from the dashboard's own page.
        if (!origins().includes(String(req.headers.origin))) return `Refused ${method} from origin ${req.headers.origin ?? '(none)'}: actions come only from the dashboard's page.`;
        if (!options.allowActions) return READ_ONLY_HINT;
        if (!ACTIONS.some((a) => a.method === method && a.pattern.test(path))) return `The dashboard does not forward ${method} ${WEBHOOK_PATH}${path}: only instance actions pass.`;
        return undefined;
    }

    async function forward(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
        const path = url.pathname.slice(WEBHOOK_PATH.length);
        const refused = refusal(req, path);
        if (refused) {
            options.log(`Refused ${req.method} ${url.pathname}: ${refused}`);
            return sendError(res, 403, refused, { readOnly: !options.allowActions });
        }
        const method = (req.method ?? 'GET').toUpperCase();
        const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, MAX_BODY_BYTES);
        const headers: Record<string, string> = {};
        for (const name of FORWARDED_REQUEST_HEADERS) {
            const value = req.headers[name];
            if (typeof value === 'string') headers[name] = value;
        }
        const send = async (key: string): Promise<Response> => {
            const target = new URL(url.pathname + url.search, upstream);
            target.searchParams.delete('code'); // the placeholder of a scrubbed URL, or anything the page sent
            target.searchParams.set('code', key);
            return http(target, { method, headers, body: body && body.length ? new Uint8Array(body) : undefined, redirect: 'manual', signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
        };
        let response: Response;
        try {
            response = await send(await options.keys.current());
            if (response.status === 401) response = await send(await options.keys.refresh());
        } catch (err) {
            const reason = err instanceof Error ? err.message : String(err);
            return sendError(res, 502, `The request to ${upstream} failed: ${reason}`);
        }
        if (response.status === 401) return sendError(res, 502, `${upstream} refused the Durable extension's system key (HTTP 401), even after reading it again.`);
        const scrub = scrubber(await options.keys.current(), upstream);
        const local = `http://${req.headers.host}`;
        const out: Record<string, string> = {};
        for (const name of FORWARDED_RESPONSE_HEADERS) {
            const value = response.headers.get(name);
            if (value !== null) out[name] = scrub(value, local);
        }
        const text = scrub(Buffer.from(await response.arrayBuffer()).toString('utf8'), local);
        if (method !== 'GET' && method !== 'HEAD') options.log(`${method} ${url.pathname} → HTTP ${response.status}`);
        res.writeHead(response.status, { ...out, 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
        res.end(method === 'HEAD' ? undefined : text);
    }

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        // Only this machine's names: a DNS-rebinding page under another name gets nothing.
        if (!origins().map((o) => o.slice('http://'.length)).includes(String(req.headers.host))) {
            return sendError(res, 421, `This dashboard answers only at ${origins().join(' or ')}.`);
        }
        const url = new URL(req.url ?? '/', origins()[0]);
        if (url.pathname === '/') {
            res.writeHead(302, { location: DASHBOARD_PATH }).end();
            return;
        }
        if (await serveDashboard(req, res)) return;
        if (url.pathname.toLowerCase().startsWith(`${WEBHOOK_PATH}/`)) return forward(req, res, url);
        sendError(res, 404, `Nothing at ${url.pathname}. Open ${DASHBOARD_PATH}.`);
    }

    const server: Server = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
            const status = err instanceof HttpError ? err.status : 500;
            if (!res.headersSent) sendError(res, status, err instanceof Error ? err.message : String(err));
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
