import type { Engine } from '../engine/engine';
import { HttpError, sendJson } from '../http/respond';
import { TERMINAL_STATUSES } from '../store/store';
import { rewind } from '../engine/rewind';
import { CONTINUATION_HEADER, matches, matchesName, page, parseFilter, parseListOptions, parseTop } from './query';
import { startedOrWait, type RequestContext } from './startAnswer';
import { statusJson } from './statusJson';
import { serveRoutes, type Route } from './routeTable';
import type { EntityInstances } from './entityInstances';
import { ArgumentError, instanceIdProblem, refuseDeepJson } from './validation';

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

/**
 * The Durable extension's HTTP API under /runtime/webhooks/durabletask (what the client library and check-status URLs
 * call).
 */
export function durableApi(options: DurableApiOptions) {
    const { engine } = options;
    const acceptedOrWait = (ctx: RequestContext, instanceId: string): Promise<void> =>
        startedOrWait(ctx, options, instanceId);
    const reason = (ctx: RequestContext): string | undefined => ctx.url.searchParams.get('reason') ?? undefined;
    const flag = (ctx: RequestContext, name: string, fallback: boolean): boolean => {
        const value = ctx.url.searchParams.get(name);
        return value === null || value === '' ? fallback : value.toLowerCase() === 'true';
    };

    const routes: Route[] = [
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

    return serveRoutes(routes, options.taskHubName);
}

function sendAccepted(ctx: RequestContext, _: void): void {
    sendJson(ctx.res, 202, undefined);
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
