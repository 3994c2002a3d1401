import type { IncomingMessage, ServerResponse } from 'node:http';
import { findEntityFunction } from '../engine/entities/batch';
import type { EntityScheduler } from '../engine/entities/entityScheduler';
import type { AppFunctions } from '../worker-channel/appFunctions';
import { HttpError, readBody, sendJson } from '../http/respond';
import { WEBHOOK_PATH } from './clientBinding';
import { CONTINUATION_HEADER, parseTop } from './query';
import { entityKeyProblem, refuseDeepJson } from './validation';

const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
/** The extension's marker for an empty entity key in a URL. */
const EMPTY_KEY = '$';

export interface EntityRoutesOptions {
    functions: AppFunctions;
    entities: EntityScheduler;
    taskHubName: string;
}

/** A `taskHub` query naming another hub: that hub is not served here, so it holds nothing. */
export function otherTaskHub(url: URL, taskHubName: string): string | undefined {
    const asked = url.searchParams.get('taskHub');
    return asked && asked.toLowerCase() !== taskHubName.toLowerCase() ? asked : undefined;
}

function date(query: URLSearchParams, name: string): Date | undefined {
    const value = query.get(name);
    if (value === null || value === '') return undefined;
    const at = new Date(value);
    if (Number.isNaN(at.getTime()))
        throw new HttpError(
            400,
            `${name} '${value}' is not a valid date/time. Use ISO 8601, e.g. 2026-01-01T00:00:00Z.`,
        );
    return at;
}

/**
 * The extension's entity HTTP API (HttpApiHandler): GET /entities/{name}/{key} reads the state
 * (404 when the entity does not exist), GET /entities/{name} lists, POST (op from `?op=`) or DELETE
 * (op "delete") signals and answers 202.
 */
export function entityRoutes(options: EntityRoutesOptions) {
    const { functions, entities, taskHubName } = options;
    return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        const prefix = `${WEBHOOK_PATH}/entities`;
        if (!url.pathname.toLowerCase().startsWith(prefix)) return false;
        const rest = url.pathname.slice(prefix.length);
        const match = /^(?:\/([^/]*))?(?:\/([^/]*))?\/?$/.exec(rest);
        if (!match || (rest !== '' && !rest.startsWith('/'))) return false;
        const name = decodeURIComponent(match[1] ?? '');
        const rawKey = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
        const key = rawKey === EMPTY_KEY ? '' : rawKey;
        const method = (req.method ?? 'GET').toUpperCase();
        const foreignHub = otherTaskHub(url, taskHubName);

        // new EntityId(name, key) refuses an empty name: ArgumentNullException, 400 with its message (HttpApiHandler
        // EntityRoute; azure-functions-durable-extension
        // src/WebJobs.Extensions.DurableTask/EntityScheduler/EntityId.cs).
        if (!name && key !== undefined && rawKey !== '')
            throw new HttpError(400, 'Invalid entity id: entity name must not be a null or empty string.');
        if (method === 'GET' && key !== undefined && rawKey !== '') {
            const read = foreignHub ? { exists: false } : entities.readState({ name, key });
            if (!read.exists)
                throw new HttpError(
                    404,
                    `Entity @${name.toLowerCase()}@${key} does not exist${foreignHub ? ` in task hub '${foreignHub}' (this host serves task hub '${taskHubName}')` : ''}.`,
                );
            const text = 'state' in read && read.state !== undefined ? read.state : 'null';
            res.writeHead(200, {
                'Content-Type': 'application/json; charset=utf-8',
                'Content-Length': String(Buffer.byteLength(text)),
            });
            res.end(text);
            return true;
        }
        if (method === 'GET') {
            const query = url.searchParams;
            const all = foreignHub
                ? []
                : entities.list({
                      name: name || undefined,
                      lastOperationFrom: date(query, 'lastOperationTimeFrom'),
                      lastOperationTo: date(query, 'lastOperationTimeTo'),
                      fetchState: query.get('fetchState')?.toLowerCase() === 'true',
                  });
            const token = req.headers[CONTINUATION_HEADER];
            const after =
                typeof token === 'string' && token ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
            const idOf = (e: (typeof all)[number]) => `@${e.entityId.name}@${e.entityId.key}`;
            const start = after === undefined ? 0 : all.findIndex((e) => idOf(e) > after);
            const size = parseTop(query) ?? 100;
            const items = start < 0 ? [] : all.slice(start, start + size);
            const more = start >= 0 && start + size < all.length;
            sendJson(
                res,
                200,
                items,
                more ? { [CONTINUATION_HEADER]: Buffer.from(idOf(items[items.length - 1])).toString('base64url') } : {},
            );
            return true;
        }
        if (method !== 'POST' && method !== 'DELETE')
            throw new HttpError(404, `No ${method} on ${url.pathname}: entities answer GET, POST and DELETE.`);
        if (!name || key === undefined)
            throw new HttpError(400, `Signal an entity at ${prefix}/{entityName}/{entityKey}?op={operation}.`);
        // DurableClient.SignalEntityAsyncInternal's ArgumentException → 400 with its message (HttpApiHandler,
        // EntityRoute).
        const keyProblem = entityKeyProblem(key);
        if (keyProblem) throw new HttpError(400, keyProblem);
        if (foreignHub)
            throw new HttpError(
                404,
                `Task hub '${foreignHub}' is not served by this host (it serves '${taskHubName}').`,
            );
        if (!findEntityFunction(functions, name)) {
            throw new HttpError(
                400,
                `The function '${name}' doesn't exist, is disabled, or is not an entity function.`,
            );
        }
        const operation = method === 'DELETE' ? 'delete' : (url.searchParams.get('op') ?? '');
        const body = await readBody(req, MAX_PAYLOAD_BYTES);
        let input: string | undefined;
        if (body.length > 0) {
            const text = body.toString('utf8');
            if (/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
                refuseDeepJson(text, 'Could not parse JSON content: ');
                try {
                    input = JSON.stringify(JSON.parse(text));
                } catch (err) {
                    throw new HttpError(400, `Could not parse JSON content: ${(err as Error).message}`);
                }
            } else input = JSON.stringify(text);
        }
        entities.signal({ name, key }, operation, input);
        sendJson(res, 202, undefined);
        return true;
    };
}
