import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { HttpError, readBody, sendError, sendJson } from '../http/respond';
import { TERMINAL_STATUSES } from '../store/store';
import { durableClientBindingData, INSTANCE_ID_PLACEHOLDER, WEBHOOK_PATH } from './clientBinding';
import { CONTINUATION_HEADER, matches, matchesName, page, parseFilter, parseListOptions, parseTop } from './query';
import { statusJson } from './statusJson';

const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const ENGINE_STATUS = { 'not-found': 404, gone: 410, conflict: 409, 'bad-request': 400 } as const;

export interface DurableApiOptions {
    engine: Engine;
    taskHubName: string;
}

type Handler = (ctx: RequestContext, params: string[]) => Promise<void>;
interface RequestContext {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    body: () => Promise<string | undefined>;
}

/** The Durable extension's HTTP API under /runtime/webhooks/durabletask (what the client library and check-status URLs call). */
export function durableApi(options: DurableApiOptions) {
    const { engine } = options;
    const managementPayload = (ctx: RequestContext, instanceId: string): Record<string, string> => {
        const urls = durableClientBindingData(ctx.url.origin, options.taskHubName).managementUrls;
        return Object.fromEntries(Object.entries(urls).map(([key, value]) => [key, value.split(INSTANCE_ID_PLACEHOLDER).join(encodeURIComponent(instanceId))]));
    };
    const accepted = (ctx: RequestContext, instanceId: string): void => {
        const payload = managementPayload(ctx, instanceId);
        sendJson(ctx.res, 202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '1' });
    };
    const reason = (ctx: RequestContext): string | undefined => ctx.url.searchParams.get('reason') ?? undefined;
    const flag = (ctx: RequestContext, name: string, fallback: boolean): boolean => {
        const value = ctx.url.searchParams.get(name);
        return value === null || value === '' ? fallback : value.toLowerCase() === 'true';
    };

    const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
        { method: 'POST', pattern: /^\/orchestrators\/([^/]+)(?:\/([^/]+))?\/?$/, handler: async (ctx, [name, instanceId]) => {
            const record = await engine.start(name, jsonOrUndefined(await ctx.body(), 'orchestration input'), instanceId || undefined);
            accepted(ctx, record.instanceId);
        } },
        { method: 'GET', pattern: /^\/instances\/?$/, handler: async (ctx) => {
            const filter = parseFilter(ctx.url.searchParams);
            const options = parseListOptions(ctx.url.searchParams);
            const token = ctx.req.headers[CONTINUATION_HEADER];
            const records = engine.list().filter((r) => matches(r, filter) && matchesName(r, options));
            const { items, next } = page(records, parseTop(ctx.url.searchParams), Array.isArray(token) ? token[0] : token, options.newestFirst);
            const showInput = flag(ctx, 'showInput', true);
            sendJson(ctx.res, 200, items.map((r) => statusJson(r, { showInput })), next ? { [CONTINUATION_HEADER]: next } : {});
        } },
        { method: 'DELETE', pattern: /^\/instances\/?$/, handler: async (ctx) => {
            const filter = parseFilter(ctx.url.searchParams);
            const ids = engine.list().filter((r) => matches(r, filter) && TERMINAL_STATUSES.includes(r.runtimeStatus)).map((r) => r.instanceId);
            const deleted = await engine.purge(ids);
            sendJson(ctx.res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
        } },
        { method: 'GET', pattern: /^\/instances\/([^/]+)\/?$/, handler: async (ctx, [instanceId]) => {
            const record = engine.get(instanceId);
            if (!record) throw new HttpError(404, `No orchestration instance with ID '${instanceId}'.`, { instanceId });
            const body = statusJson(record, { showInput: flag(ctx, 'showInput', true), showHistory: flag(ctx, 'showHistory', false), showHistoryOutput: flag(ctx, 'showHistoryOutput', false) });
            if (TERMINAL_STATUSES.includes(record.runtimeStatus)) {
                const failed = record.runtimeStatus === 'Failed' && flag(ctx, 'returnInternalServerErrorOnFailure', false);
                sendJson(ctx.res, failed ? 500 : 200, body);
            } else {
                sendJson(ctx.res, 202, body, { Location: managementPayload(ctx, instanceId).statusQueryGetUri, 'Retry-After': '1' });
            }
        } },
        { method: 'DELETE', pattern: /^\/instances\/([^/]+)\/?$/, handler: async (ctx, [instanceId]) => {
            const deleted = await engine.purge([instanceId]);
            if (deleted === 0) throw new HttpError(404, `No orchestration instance with ID '${instanceId}'.`, { instanceId, instancesDeleted: 0 });
            sendJson(ctx.res, 200, { instancesDeleted: deleted });
        } },
        { method: 'POST', pattern: /^\/instances\/([^/]+)\/raiseEvent\/([^/]+)\/?$/, handler: async (ctx, [instanceId, eventName]) => {
            await engine.raiseEvent(instanceId, eventName, jsonOrUndefined(await ctx.body(), 'event data'));
            sendJson(ctx.res, 202, undefined);
        } },
        { method: 'POST', pattern: /^\/instances\/([^/]+)\/terminate\/?$/, handler: async (ctx, [id]) => sendAccepted(ctx, await engine.terminate(id, reason(ctx))) },
        { method: 'POST', pattern: /^\/instances\/([^/]+)\/suspend\/?$/, handler: async (ctx, [id]) => sendAccepted(ctx, await engine.suspend(id, reason(ctx))) },
        { method: 'POST', pattern: /^\/instances\/([^/]+)\/resume\/?$/, handler: async (ctx, [id]) => sendAccepted(ctx, await engine.resume(id, reason(ctx))) },
        { method: 'POST', pattern: /^\/instances\/([^/]+)\/restart\/?$/, handler: async (ctx, [instanceId]) => {
            const old = engine.get(instanceId);
            if (!old) throw new HttpError(404, `No orchestration instance with ID '${instanceId}'.`, { instanceId });
            const record = await engine.start(old.name, old.input, flag(ctx, 'restartWithNewInstanceId', true) ? undefined : instanceId);
            accepted(ctx, record.instanceId);
        } },
        { method: 'POST', pattern: /^\/instances\/([^/]+)\/rewind\/?$/, handler: async (_ctx, [instanceId]) => {
            // As Azure's HttpApiHandler answers: 404 unknown, 410 Completed/Terminated/Canceled; only rewinding itself is unsupported here.
            const record = engine.get(instanceId);
            if (!record) throw new HttpError(404, `No orchestration instance with ID '${instanceId}'.`, { instanceId });
            if (['Completed', 'Terminated', 'Canceled'].includes(record.runtimeStatus)) throw new HttpError(410, `Instance '${instanceId}' is ${record.runtimeStatus} and cannot be rewound.`, { instanceId });
            throw new HttpError(501, 'Rewind is not supported by the local Durable host. Restart the instance instead (restartPostUri).');
        } },
    ];

    return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        if (!url.pathname.toLowerCase().startsWith(WEBHOOK_PATH)) return false;
        const path = url.pathname.slice(WEBHOOK_PATH.length);
        const method = (req.method ?? 'GET').toUpperCase();
        const candidates = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((c) => c.match);
        if (candidates.length === 0) {
            sendError(res, 404, `No Durable HTTP API at ${url.pathname}. See ${WEBHOOK_PATH}/instances and ${WEBHOOK_PATH}/orchestrators/{name}.`);
            return true;
        }
        const hit = candidates.find((c) => c.route.method === method);
        if (!hit) {
            const allowed = [...new Set(candidates.map((c) => c.route.method))];
            res.setHeader('Allow', allowed.join(', '));
            sendError(res, 405, `Method ${method} is not allowed on ${url.pathname}. Allowed: ${allowed.join(', ')}.`, { allowed });
            return true;
        }
        const ctx: RequestContext = { req, res, url, body: async () => {
            const bytes = await readBody(req, MAX_PAYLOAD_BYTES);
            return bytes.length === 0 ? undefined : bytes.toString('utf8');
        } };
        try {
            await hit.route.handler(ctx, hit.match!.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p))));
        } catch (err) {
            if (err instanceof EngineError) throw new HttpError(ENGINE_STATUS[err.code], err.message);
            throw err;
        }
        return true;
    };
}

function sendAccepted(ctx: RequestContext, _: void): void {
    sendJson(ctx.res, 202, undefined);
}

/** A request body that must be JSON when present; returns its JSON text. */
function jsonOrUndefined(text: string | undefined, what: string): string | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    try {
        return JSON.stringify(JSON.parse(text));
    } catch (err) {
        throw new HttpError(400, `The ${what} is not valid JSON (${(err as Error).message}). Send a JSON value or no body.`);
    }
}
