import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError } from '../engine/errors';
import { ENGINE_STATUS, sendClientException } from './clientException';
import { HttpError, readBody, sendError } from '../http/respond';
import { WEBHOOK_PATH } from './clientBinding';
import { otherTaskHub } from './entityRoutes';
import type { RequestContext } from './startAnswer';

const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export interface Route {
    method: string;
    pattern: RegExp;
    /** `params`: the pattern's groups, URL-decoded. */
    handler: (ctx: RequestContext, params: string[]) => Promise<void>;
}

/**
 * Serves the routes under {WEBHOOK_PATH}: 404 for an unknown path or another task hub, 405 (with Allow) for a known
 * path and another method, and the extension's answers for the engine's refusals (4xx, or its ClientException
 * shape for an ArgumentException and an InvalidOperationException).
 */
export function serveRoutes(routes: Route[], taskHubName: string) {
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
        const foreignHub = otherTaskHub(url, taskHubName);
        if (foreignHub) {
            sendError(
                res,
                404,
                `Task hub '${foreignHub}' is not served by this host (it serves '${taskHubName}'), so it has no such instance.`,
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
