import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { HttpError, readBody, sendError, sendJson } from '../http/respond';
import { TERMINAL_STATUSES } from '../store/store';
import { rewind } from '../engine/rewind';
import { durableClientBindingData, INSTANCE_ID_PLACEHOLDER, WEBHOOK_PATH } from './clientBinding';
import { otherTaskHub } from './entityRoutes';
import { CONTINUATION_HEADER, matches, matchesName, page, parseFilter, parseListOptions, parseTop } from './query';
import { statusJson } from './statusJson';
import type { EntityInstances } from './entityInstances';
import { ArgumentError, instanceIdProblem, refuseDeepJson } from './validation';

const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const ENGINE_STATUS = {
    'not-found': 404,
    gone: 410,
    conflict: 409,
    'bad-request': 400,
    'invalid-operation': 500,
    'invalid-argument': 400,
} as const;

export interface DurableApiOptions {
    engine: Engine;
    taskHubName: string;
    /** Entities served as `@name@key` instances, as the Azure Storage backend keeps them. */
    entities?: EntityInstances;
    /** `--require-system-key`: the key the management URLs carry. */
    systemKey?: string;
    /** A terminate or purge arrived: an instance waiting out a redelivery delay (a poison message) gets it now. */
    wake?: (instanceId: string) => void;
    /** Local only (the dashboard's): work waiting to be redelivered after it ended its worker. */
    redeliveries?: () => unknown[];
}

type Handler = (ctx: RequestContext, params: string[]) => Promise<void>;
interface RequestContext {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    body: () => Promise<string | undefined>;
}

/**
 * The Durable extension's HTTP API under /runtime/webhooks/durabletask (what the client library and check-status URLs
 * call).
 */
export function durableApi(options: DurableApiOptions) {
    const { engine } = options;
    const managementPayload = (ctx: RequestContext, instanceId: string): Record<string, string> => {
        const urls = durableClientBindingData(ctx.url.origin, options.taskHubName, {
            systemKey: options.systemKey,
        }).managementUrls;
        // As HttpApiHandler.GetClientResponseLinks: `Id = instanceId` as given, encoded only inside the URLs.
        const payload = Object.fromEntries(
            Object.entries(urls).map(([key, value]) => [
                key,
                value.split(INSTANCE_ID_PLACEHOLDER).join(encodeURIComponent(instanceId)),
            ]),
        );
        return { ...payload, id: instanceId };
    };
    const accepted = (ctx: RequestContext, instanceId: string): void => {
        const payload = managementPayload(ctx, instanceId);
        sendJson(ctx.res, 202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '10' });
    };
    /**
     * `?timeout=&pollingInterval=` (seconds) on start/restart: wait for the end like HttpApiHandler, else check-status.
     */
    const acceptedOrWait = async (ctx: RequestContext, instanceId: string): Promise<void> => {
        const seconds = (name: string): number | undefined => {
            const value = Number(ctx.url.searchParams.get(name) ?? NaN);
            return Number.isFinite(value) && value >= 0 ? value : undefined;
        };
        const timeout = seconds('timeout');
        const interval = seconds('pollingInterval');
        if (timeout === undefined || interval === undefined) return accepted(ctx, instanceId);
        if (interval > timeout)
            throw new HttpError(400, `Total timeout ${timeout} should be bigger than retry timeout ${interval}.`);
        const deadline = Date.now() + timeout * 1000;
        // A caller that hangs up ends the wait: no poll, timer or listener outlives its request.
        let hungUp = ctx.res.destroyed;
        const onClose = (): void => void (hungUp = true);
        ctx.res.once('close', onClose);
        try {
            for (;;) {
                if (hungUp) return;
                const record = engine.get(instanceId);
                if (record?.runtimeStatus === 'Completed')
                    return sendJson(ctx.res, 200, record.output === undefined ? null : JSON.parse(record.output));
                if (record && TERMINAL_STATUSES.includes(record.runtimeStatus))
                    return sendJson(ctx.res, 200, statusJson(record, { showInput: true }));
                if (Date.now() >= deadline) return accepted(ctx, instanceId);
                await pause(ctx.res, Math.min(interval * 1000, Math.max(0, deadline - Date.now())));
            }
        } finally {
            ctx.res.off('close', onClose);
        }
    };
    const reason = (ctx: RequestContext): string | undefined => ctx.url.searchParams.get('reason') ?? undefined;
    const flag = (ctx: RequestContext, name: string, fallback: boolean): boolean => {
        const value = ctx.url.searchParams.get(name);
        return value === null || value === '' ? fallback : value.toLowerCase() === 'true';
    };

    const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
        {
            method: 'POST',
            pattern: /^\/orchestrators\/([^/]+)(?:\/([^/]+))?\/?$/,
            handler: async (ctx, [name, instanceId]) => {
                const problem = instanceId ? instanceIdProblem(instanceId) : undefined;
                if (problem) throw new ArgumentError(problem);
                const record = await engine.start(
                    name,
                    jsonOrUndefined(await ctx.body(), 'orchestration input'),
                    instanceId || undefined,
                    undefined,
                    ctx.url.searchParams.get('version') || undefined,
                );
                await acceptedOrWait(ctx, record.instanceId);
            },
        },
        // Not in Azure's API (its poison messages are in the queue's DequeueCount): the local dashboard's view of them.
        {
            method: 'GET',
            pattern: /^\/redeliveries\/?$/,
            handler: async (ctx) => sendJson(ctx.res, 200, options.redeliveries?.() ?? []),
        },
        {
            method: 'GET',
            pattern: /^\/instances\/?$/,
            handler: async (ctx) => {
                const filter = parseFilter(ctx.url.searchParams);
                const options = parseListOptions(ctx.url.searchParams);
                const token = ctx.req.headers[CONTINUATION_HEADER];
                const records = engine.list().filter((r) => matches(r, filter) && matchesName(r, options));
                const { items, next } = page(
                    records,
                    parseTop(ctx.url.searchParams),
                    Array.isArray(token) ? token[0] : token,
                    options.newestFirst,
                );
                const showInput = flag(ctx, 'showInput', true);
                sendJson(
                    ctx.res,
                    200,
                    items.map((r) => statusJson(r, { showInput })),
                    next ? { [CONTINUATION_HEADER]: next } : {},
                );
            },
        },
        {
            method: 'DELETE',
            pattern: /^\/instances\/?$/,
            handler: async (ctx) => {
                if (!ctx.url.searchParams.get('createdTimeFrom'))
                    throw new HttpError(400, "Please provide value for 'createdTimeFrom' parameter.");
                const filter = parseFilter(ctx.url.searchParams);
                filter.createdTimeTo ??= Date.now();
                // As AzureTableTrackingStore.PurgeInstanceHistoryAsync: the statuses asked for, narrowed to terminal
                // ones; none asked: every instance, entities too.
                if (filter.runtimeStatus)
                    filter.runtimeStatus = filter.runtimeStatus.filter((s) => TERMINAL_STATUSES.includes(s));
                const ids = engine
                    .list()
                    .filter((r) => matches(r, filter))
                    .map((r) => r.instanceId);
                const entityIds = filter.runtimeStatus
                    ? []
                    : (options.entities?.createdBetween(filter.createdTimeFrom, filter.createdTimeTo) ?? []);
                ids.forEach((id) => options.wake?.(id));
                const deleted =
                    (await engine.purge(ids)) + entityIds.filter((id) => options.entities!.purge(id)).length;
                sendJson(ctx.res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
            },
        },
        {
            method: 'GET',
            pattern: /^\/instances\/([^/]+)\/?$/,
            handler: async (ctx, [instanceId]) => {
                const record = engine.get(instanceId);
                const entity = record ? undefined : options.entities?.status(instanceId, flag(ctx, 'showInput', true));
                if (entity) return sendJson(ctx.res, 202, entity, { Location: ctx.url.href, 'Retry-After': '5' });
                if (!record)
                    throw new HttpError(404, `No orchestration instance with ID '${instanceId}'.`, { instanceId });
                const body = statusJson(record, {
                    showInput: flag(ctx, 'showInput', true),
                    showHistory: flag(ctx, 'showHistory', false),
                    showHistoryOutput: flag(ctx, 'showHistoryOutput', false),
                });
                if (TERMINAL_STATUSES.includes(record.runtimeStatus)) {
                    const failed =
                        record.runtimeStatus === 'Failed' && flag(ctx, 'returnInternalServerErrorOnFailure', false);
                    sendJson(ctx.res, failed ? 500 : 200, body);
                } else {
                    sendJson(ctx.res, 202, body, { Location: ctx.url.href, 'Retry-After': '5' });
                }
            },
        },
        {
            method: 'DELETE',
            pattern: /^\/instances\/([^/]+)\/?$/,
            handler: async (ctx, [instanceId]) => {
                const existing = engine.get(instanceId);
                if (existing && !instanceId.startsWith('@') && !TERMINAL_STATUSES.includes(existing.runtimeStatus)) {
                    throw new HttpError(
                        412,
                        `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${existing.runtimeStatus}`,
                    );
                }
                const deleted = existing
                    ? await engine.purge([instanceId])
                    : Number(options.entities?.purge(instanceId) ?? 0);
                options.wake?.(instanceId);
                if (deleted === 0)
                    throw new HttpError(404, `No orchestration instance with ID '${instanceId}'.`, {
                        instanceId,
                        instancesDeleted: 0,
                    });
                sendJson(ctx.res, 200, { instancesDeleted: deleted });
            },
        },
        {
            method: 'POST',
            pattern: /^\/instances\/([^/]+)\/raiseEvent\/([^/]+)\/?$/,
            handler: async (ctx, [instanceId, eventName]) => {
                const data = await ctx.body();
                if (
                    data !== undefined &&
                    !/^application\/json\b/i.test(String(ctx.req.headers['content-type'] ?? ''))
                ) {
                    throw new HttpError(400, 'Only application/json request content is supported');
                }
                await engine.raiseEvent(instanceId, eventName, jsonOrUndefined(data, 'event data'));
                sendJson(ctx.res, 202, undefined);
            },
        },
        {
            method: 'POST',
            pattern: /^\/instances\/([^/]+)\/terminate\/?$/,
            handler: async (ctx, [id]) => {
                await engine.terminate(id, reason(ctx));
                options.wake?.(id);
                sendJson(ctx.res, 202, undefined);
            },
        },
        {
            method: 'POST',
            pattern: /^\/instances\/([^/]+)\/suspend\/?$/,
            handler: async (ctx, [id]) => sendAccepted(ctx, await engine.suspend(id, reason(ctx))),
        },
        {
            method: 'POST',
            pattern: /^\/instances\/([^/]+)\/resume\/?$/,
            handler: async (ctx, [id]) => sendAccepted(ctx, await engine.resume(id, reason(ctx))),
        },
        {
            method: 'POST',
            pattern: /^\/instances\/([^/]+)\/restart\/?$/,
            handler: async (ctx, [instanceId]) => {
                const old = engine.get(instanceId);
                if (!old)
                    throw new HttpError(400, 'InstanceId does not match a valid orchestration instance.', {
                        instanceId,
                    });
                const version = old.history.find((e) => e.EventType === 0)?.Version as string | undefined;
                const sameId = !flag(ctx, 'restartWithNewInstanceId', true);
                // RestartAsync starts through StartNewAsync, which refuses the ids it refuses there.
                const problem = sameId ? instanceIdProblem(instanceId) : undefined;
                if (problem) throw new ArgumentError(problem);
                const record = await engine.start(
                    old.name,
                    old.input,
                    sameId ? instanceId : undefined,
                    undefined,
                    version,
                );
                await acceptedOrWait(ctx, record.instanceId);
            },
        },
        {
            method: 'POST',
            pattern: /^\/instances\/([^/]+)\/rewind\/?$/,
            handler: async (ctx, [instanceId]) => {
                // HttpApiHandler: 404 unknown, 412 unless Failed, 202 once the rewind is under way.
                const record = engine.get(instanceId);
                if (!record)
                    throw new HttpError(404, `No orchestration with instance ID "${instanceId}" found.`, {
                        instanceId,
                    });
                if (!(await rewind(engine, record, reason(ctx)))) {
                    throw new HttpError(
                        412,
                        `This orchestration has status ${record.runtimeStatus}, but only orchestrations in the "Failed" state can be rewound.`,
                        { instanceId },
                    );
                }
                sendJson(ctx.res, 202, undefined);
            },
        },
    ];

    return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        if (!url.pathname.toLowerCase().startsWith(WEBHOOK_PATH)) return false;
        const path = url.pathname.slice(WEBHOOK_PATH.length);
        const method = (req.method ?? 'GET').toUpperCase();
        const candidates = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((c) => c.match);
        if (candidates.length === 0) {
            sendError(
                res,
                404,
                `No Durable HTTP API at ${url.pathname}. See ${WEBHOOK_PATH}/instances and ${WEBHOOK_PATH}/orchestrators/{name}.`,
            );
            return true;
        }
        const foreignHub = otherTaskHub(url, options.taskHubName);
        if (foreignHub) {
            sendError(
                res,
                404,
                `Task hub '${foreignHub}' is not served by this host (it serves '${options.taskHubName}'), so it has no such instance.`,
            );
            return true;
        }
        const hit = candidates.find((c) => c.route.method === method);
        if (!hit) {
            const allowed = [...new Set(candidates.map((c) => c.route.method))];
            res.setHeader('Allow', allowed.join(', '));
            sendError(res, 405, `Method ${method} is not allowed on ${url.pathname}. Allowed: ${allowed.join(', ')}.`, {
                allowed,
            });
            return true;
        }
        const ctx: RequestContext = {
            req,
            res,
            url,
            body: async () => {
                const bytes = await readBody(req, MAX_PAYLOAD_BYTES);
                return bytes.length === 0 ? undefined : bytes.toString('utf8');
            },
        };
        try {
            await hit.route.handler(
                ctx,
                hit.match!.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p))),
            );
        } catch (err) {
            if (err instanceof EngineError && (err.code === 'invalid-operation' || err.code === 'invalid-argument'))
                sendClientException(res, err);
            else if (err instanceof EngineError) throw new HttpError(ENGINE_STATUS[err.code], err.message);
            else throw err;
        }
        return true;
    };
}

/**
 * What the extension answers when the client call it makes throws (azure-functions-durable-extension
 * src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs HandleRequestAsync →
 * HttpRequestMessageExtensions.CreateErrorResponse): an ArgumentException (e.g. starting a function that is not an
 * orchestrator) is a 400 "One or more of the arguments submitted is incorrect", anything else a 500. durable-functions
 * turns either into "The operation failed with an unexpected status code: <status>. Details: {...}".
 */
function sendClientException(res: ServerResponse, err: EngineError): void {
    const argument = err.code === 'invalid-argument';
    sendJson(res, ENGINE_STATUS[err.code], {
        Message: argument
            ? 'One or more of the arguments submitted is incorrect'
            : 'Something went wrong while processing your request',
        ExceptionMessage: err.message,
        ExceptionType: argument ? 'System.ArgumentException' : 'System.InvalidOperationException',
        StackTrace: null,
    });
}

function sendAccepted(ctx: RequestContext, _: void): void {
    sendJson(ctx.res, 202, undefined);
}

/** Waits `ms`, or less when the response closes first (the caller hung up); leaves no timer or listener behind. */
function pause(res: ServerResponse, ms: number): Promise<void> {
    return new Promise((resolve) => {
        const done = (): void => {
            clearTimeout(timer);
            res.off('close', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        res.once('close', done);
    });
}

/** A request body that must be JSON when present; returns its JSON text. */
function jsonOrUndefined(text: string | undefined, what: string): string | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    // As HttpApiHandler answers the JsonReaderException Newtonsoft throws past MaxDepth 64 (validation.ts).
    refuseDeepJson(text, 'Invalid JSON content: ');
    try {
        return JSON.stringify(JSON.parse(text));
    } catch (err) {
        throw new HttpError(
            400,
            `The ${what} is not valid JSON (${(err as Error).message}). Send a JSON value or no body.`,
        );
    }
}
