import { WEBHOOK_PATH } from '../local-host/durable-api/clientBinding';

/**
 * Which Durable HTTP API call a request to the proxy is, read as the extension will read it, and the one
 * canonical URL path the proxy sends upstream for it (never the page's own spelling).
 *
 * The extension (Azure/azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs at
 * a7c6d694, HandleRequestAsync) takes the path after the webhook base and trims '/' at both ends (line 298:
 * `"/" + request.RequestUri.AbsolutePath.Substring(basePath.Length).Trim('/')`), then matches ASP.NET route
 * templates, whose literals compare ignoring case: `instances/{instanceId?}/{operation?}` (GetInstancesRoute,
 * line 164) with the operation compared OrdinalIgnoreCase (lines 389-405), and
 * `instances/{instanceId?}/raiseEvent/{eventName}` (GetInstanceRaiseEventRoute, line 170). The instances route
 * without an id is the listing for GET and, for DELETE, the purge of every instance the query's filters match
 * (line 365, HandleDeleteHistoryWithFiltersRequestAsync): `DELETE instances/%2F` is that purge once the %2F is
 * decoded and trimmed. Whether a layer in front (Kestrel, PathString, Uri) decodes %2F, or decodes twice, is
 * not ours to guess: a path whose meaning depends on it (an encoded '/' or '\', a '%' left after decoding, an
 * empty, '.' or '..' segment, control characters, white space around an id) is refused, so every reading gives
 * the same call. Instance ids cannot hold '/', '\', '#', '?' or control characters anyway (DurableClient.cs,
 * IsInvalidCharacter, line 225: "Orchestration instance ids must not contain /, \, #, ?, or control characters").
 */
export type ActionName =
    'list' | 'status' | 'terminate' | 'suspend' | 'resume' | 'rewind' | 'restart' | 'raiseEvent' | 'purge';

export interface ApiRoute {
    action: ActionName;
    /** Whether it changes anything (needs --allow-actions and the page's origin). */
    write: boolean;
    /** The path sent upstream: WEBHOOK_PATH + canonical segments, each encodeURIComponent'ed. */
    upstreamPath: string;
    /** The query sent upstream: only the parameters this call takes (no `code`: the proxy adds the key). */
    query: URLSearchParams;
    /** Whether the request's body goes upstream (raise event's event data). */
    forwardsBody: boolean;
}

export interface Refusal {
    status: number;
    refused: string;
}

/**
 * The query parameters each call reads (HttpApiHandler.cs: the constants of lines 40-62 each handler reads; GetClient,
 * line 1094, reads taskHub/connection).
 */
const READ_CLIENT = ['taskHub', 'connection'];
const QUERY: Record<ActionName, string[]> = {
    list: ['instanceIdPrefix', 'createdTimeFrom', 'createdTimeTo', 'runtimeStatus', 'showInput', 'top', ...READ_CLIENT],
    status: ['showHistory', 'showHistoryOutput', 'showInput', 'returnInternalServerErrorOnFailure', ...READ_CLIENT],
    // Writes act on the app's own task hub only: no taskHub/connection.
    terminate: ['reason'],
    suspend: ['reason'],
    resume: ['reason'],
    rewind: ['reason'],
    restart: ['restartWithNewInstanceId'],
    raiseEvent: [],
    purge: [],
};
const OPERATIONS = ['terminate', 'suspend', 'resume', 'rewind', 'restart'] as const;

const refuse = (refused: string, status = 403): Refusal => ({ status, refused });

/** Percent-decoding as the most decoding layer would (every %XX, %2F included); undefined when malformed. */
function decode(text: string): string | undefined {
    try {
        return decodeURIComponent(text);
    } catch {
        return undefined;
    }
}

// Control characters, and the '#' and '?' an id cannot hold: as a decoded character they cannot be told apart from URL
// syntax.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\\#?%]/;

/**
 * `rawUrl`: the request target as received (req.url), e.g.
 * `/runtime/webhooks/durabletask/instances/abc?showInput=true`.
 */
export function routeApiRequest(method: string, rawUrl: string): ApiRoute | Refusal {
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
    const described = `${method} ${rawPath}`;
    if (!rawPath.toLowerCase().startsWith(`${WEBHOOK_PATH.toLowerCase()}/`))
        return refuse(`${described} is not under ${WEBHOOK_PATH}/.`, 404);
    const rest = rawPath.slice(WEBHOOK_PATH.length);
    if (/%(2f|5c)/i.test(rest))
        return refuse(
            `${described}: an encoded '/' or '\\' in the path reads differently to each layer in front of the Durable API; the dashboard does not forward it.`,
            400,
        );
    const decoded = decode(rest);
    if (decoded === undefined) return refuse(`${described}: malformed percent-encoding.`, 400);
    if (UNSAFE.test(decoded))
        return refuse(
            `${described}: the path holds a '%', '\\', '#', '?' or control character after decoding (encoded twice?); the dashboard does not forward it.`,
            400,
        );
    // HttpApiHandler: "/" + path.Trim('/'); then the route templates' segments.
    const segments = decoded.replace(/^\/+|\/+$/g, '').split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..'))
        return refuse(`${described}: empty, '.' or '..' path segments are not forwarded.`, 400);
    const matched = match(method, segments);
    if ('refused' in matched) return refuse(`${described}: ${matched.refused}`, matched.status);
    const query = pickQuery(matched.action, rawQuery);
    if (typeof query === 'string') return refuse(`${described}: ${query}`, 400);
    const upstreamPath = `${WEBHOOK_PATH}/${matched.segments.map(encodeURIComponent).join('/')}`;
    return {
        action: matched.action,
        write: method !== 'GET',
        upstreamPath,
        query,
        forwardsBody: matched.action === 'raiseEvent',
    };
}

const eq = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** The instance id as the extension's handlers get it: kept only when it has visible characters at both ends. */
function instanceId(segment: string): string | undefined {
    return segment.trim() === segment && segment !== '' ? segment : undefined;
}

function match(method: string, segments: string[]): { action: ActionName; segments: string[] } | Refusal {
    const only = 'only reading instances and the instance actions the page offers pass';
    if (!eq(segments[0], 'instances')) return refuse(`not forwarded: ${only}.`);
    const id = segments.length > 1 ? instanceId(segments[1]) : undefined;
    if (segments.length > 1 && id === undefined)
        return refuse('the instance id is empty or starts or ends with white space; not forwarded.', 400);
    if (segments.length === 1) {
        if (method === 'GET') return { action: 'list', segments: ['instances'] };
        // DELETE instances (any spelling that trims to it): the extension purges every instance the filters match.
        return refuse(
            method === 'DELETE'
                ? 'that is a purge of every instance matching the filters (the extension reads an instance path without an id so); the dashboard purges one instance at a time.'
                : `not forwarded: ${only}.`,
        );
    }
    if (segments.length === 2) {
        if (method === 'GET') return { action: 'status', segments: ['instances', id!] };
        if (method === 'DELETE') return { action: 'purge', segments: ['instances', id!] };
    }
    if (segments.length === 3 && method === 'POST') {
        const operation = OPERATIONS.find((op) => eq(segments[2], op));
        if (operation) return { action: operation, segments: ['instances', id!, operation] };
    }
    if (
        segments.length === 4 &&
        method === 'POST' &&
        eq(segments[2], 'raiseEvent') &&
        instanceId(segments[3]) !== undefined
    ) {
        return { action: 'raiseEvent', segments: ['instances', id!, 'raiseEvent', segments[3]] };
    }
    return refuse(`not forwarded: ${only}.`);
}

/**
 * The parameters `action` reads, by their canonical names; anything else (or a parameter twice) is refused. `code` is
 * dropped.
 */
function pickQuery(action: ActionName, rawQuery: string): URLSearchParams | string {
    const allowed = QUERY[action];
    const out = new URLSearchParams();
    for (const [name, value] of new URLSearchParams(rawQuery)) {
        // The placeholder of a scrubbed URL, or anything the page sent: the proxy sets the key itself.
        if (eq(name, 'code')) continue;
        const canonical = allowed.find((a) => eq(name, a));
        if (!canonical)
            return `the query parameter '${name}' is not one this call takes (${allowed.join(', ') || 'none'}).`;
        if (out.has(canonical)) return `the query parameter '${canonical}' is given twice.`;
        out.set(canonical, value);
    }
    return out;
}
