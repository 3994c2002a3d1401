import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { HttpError, sendJson } from '../http/respond';
import { TERMINAL_STATUSES } from '../store/store';
import { durableClientBindingData, INSTANCE_ID_PLACEHOLDER } from './clientBinding';
import { statusJson } from './statusJson';

export interface RequestContext {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    body: () => Promise<string | undefined>;
}

/** How the extension answers a start or restart (HttpApiHandler.HandleStartOrchestratorRequestAsync). */
export interface StartAnswerOptions {
    engine: Engine;
    taskHubName: string;
    systemKey?: string;
}

function managementPayload(
    ctx: RequestContext,
    options: StartAnswerOptions,
    instanceId: string,
): Record<string, string> {
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
}

/** The 202 of a start: the management URLs, `Location` and `Retry-After` as HttpApiHandler sends them. */
export function sendStarted(ctx: RequestContext, options: StartAnswerOptions, instanceId: string): void {
    const payload = managementPayload(ctx, options, instanceId);
    sendJson(ctx.res, 202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '10' });
}

/**
 * `?timeout=&pollingInterval=` (seconds) on start/restart: wait for the end like HttpApiHandler, else check-status.
 */
export async function startedOrWait(
    ctx: RequestContext,
    options: StartAnswerOptions,
    instanceId: string,
): Promise<void> {
    const seconds = (name: string): number | undefined => {
        const value = Number(ctx.url.searchParams.get(name) ?? NaN);
        return Number.isFinite(value) && value >= 0 ? value : undefined;
    };
    const timeout = seconds('timeout');
    const interval = seconds('pollingInterval');
    if (timeout === undefined || interval === undefined) return sendStarted(ctx, options, instanceId);
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
            const record = options.engine.get(instanceId);
            if (record?.runtimeStatus === 'Completed')
                return sendJson(ctx.res, 200, record.output === undefined ? null : JSON.parse(record.output));
            if (record && TERMINAL_STATUSES.includes(record.runtimeStatus))
                return sendJson(ctx.res, 200, statusJson(record, { showInput: true }));
            if (Date.now() >= deadline) return sendStarted(ctx, options, instanceId);
            await pause(ctx.res, Math.min(interval * 1000, Math.max(0, deadline - Date.now())));
        }
    } finally {
        ctx.res.off('close', onClose);
    }
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
