import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { durableClientBindingData } from '../durable-api/clientBinding';
import type { RpcHttpData, RpcTypedData } from '../worker-process/functionsCore';
import type { AppFunctions } from '../worker-channel/appFunctions';
import { invokeHttp } from '../triggers/http';
import type { FunctionRoute } from './functionRoutes';
import { HttpError, readBody, sendError } from './respond';
import { WorkerForward } from './workerForward';

export interface FunctionsHandlerOptions {
    functions: AppFunctions;
    routes: FunctionRoute[];
    routePrefix: string;
    taskHubName: string;
    /** The origin the durable client's URLs use (http://localhost:<port>). */
    origin: () => string;
    /** Where the durable client calls the host: a loopback address (no name lookup). */
    rpcBaseUrl: () => string;
    /** `--require-system-key`: the key the URLs handed to callers carry. */
    systemKey?: string;
    log: (message: string) => void;
}

const MAX_REQUEST_BYTES = 100 * 1024 * 1024; // the Functions host's default request limit
/** How long a streamed invocation that completed may take to start its response before the host gives up on it. */
const RESPONSE_GRACE_MS = 5_000;

interface Matched {
    functions: AppFunctions;
    functionName: string;
    request: RpcHttpData;
    extraInputs: Record<string, RpcTypedData>;
}

/** Serves `/<routePrefix>/<route>` by invoking the matching httpTrigger function through the worker protocol. */
export function functionsHandler(options: FunctionsHandlerOptions) {
    return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        const matched = match(options, req, res, url);
        if (matched === undefined) return false;
        if (matched === 'answered') return true;
        const started = Date.now();
        const { functionName } = matched;
        const executed = (outcome: string): void =>
            options.log(`Executed '${functionName}' (${outcome}, ${Date.now() - started} ms)`);
        try {
            const status = options.functions.capabilities.HttpUri
                ? await streamed(req, res, matched)
                : await buffered(req, res, matched);
            executed(`${matched.request.method} ${url.pathname} → ${status}`);
        } catch (err) {
            executed(`Failed: ${(err as Error).stack ?? err}`);
            if (err instanceof HttpError) throw err;
            throw new HttpError(500, `Function '${functionName}' failed: ${(err as Error).message}`);
        }
        return true;
    };
}

/** The route, method and inputs of the request; 'answered' when it was refused (405). */
function match(
    options: FunctionsHandlerOptions,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
): Matched | 'answered' | undefined {
    const prefix = options.routePrefix ? `/${options.routePrefix}` : '';
    const lowerPath = url.pathname.toLowerCase();
    if (prefix && lowerPath !== prefix && !lowerPath.startsWith(`${prefix}/`)) return undefined;
    const routePath = url.pathname.slice(prefix.length);
    const matches = options.routes.map((route) => ({ route, params: route.match(routePath) })).filter((m) => m.params);
    if (matches.length === 0) return undefined;
    const method = (req.method ?? 'GET').toUpperCase();
    const hit = matches.find((m) => !m.route.methods || m.route.methods.includes(method));
    if (!hit) {
        const allowed = [...new Set(matches.flatMap((m) => m.route.methods ?? []))];
        res.setHeader('Allow', allowed.join(', '));
        sendError(res, 405, `Method ${method} is not allowed on ${url.pathname}. Allowed: ${allowed.join(', ')}.`, {
            allowed,
        });
        return 'answered';
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    // Repeated query keys reach the function joined with ',' (ASP.NET StringValues.ToString(), as the host sends them).
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, key) => (query[key] = key in query ? `${query[key]},${value}` : value));
    const extraInputs: Record<string, RpcTypedData> = {};
    const functionName = hit.route.functionName;
    for (const [name, binding] of Object.entries(
        options.functions.registrations.get(functionName)!.metadata.bindings,
    )) {
        if (binding.type === 'durableClient' || binding.type === 'orchestrationClient') {
            extraInputs[name] = {
                string: JSON.stringify(
                    durableClientBindingData(options.origin(), options.taskHubName, {
                        rpcBaseUrl: options.rpcBaseUrl(),
                        systemKey: options.systemKey,
                    }),
                ),
            };
        }
    }
    return {
        functions: options.functions,
        functionName,
        request: { method, url: url.href, headers, query, params: hit.params ?? {} },
        extraInputs,
    };
}

/** The request body read whole, sent with the invocation, and the response the function returned. */
async function buffered(req: IncomingMessage, res: ServerResponse, matched: Matched): Promise<number> {
    const body = await readBody(req, MAX_REQUEST_BYTES);
    const request = { ...matched.request, body: body.length > 0 ? { bytes: body } : undefined };
    const result = (await invokeHttp(matched.functions, matched.functionName, request, matched.extraInputs))!;
    res.writeHead(result.status, { ...framingFree(result.headers), 'Content-Length': String(result.body.length) });
    res.end(result.body);
    return result.status;
}

/**
 * HTTP streaming (the worker reported `HttpUri`): the request is forwarded to the app's own HTTP
 * server as the invocation is sent, and its response relayed as it comes (see WorkerForward).
 */
async function streamed(req: IncomingMessage, res: ServerResponse, matched: Matched): Promise<number> {
    const invocationId = randomUUID();
    let forward: WorkerForward | undefined;
    const streaming = {
        invocationId,
        forward: (capabilities: Record<string, string>): void => {
            if (!capabilities.HttpUri)
                throw new HttpError(
                    503,
                    'The app was reloaded without HTTP streaming while this request waited for its worker: send it again.',
                );
            forward = new WorkerForward(req, res, capabilities.HttpUri, invocationId, MAX_REQUEST_BYTES);
        },
    };
    try {
        await invokeHttp(matched.functions, matched.functionName, matched.request, matched.extraInputs, streaming);
    } catch (err) {
        forward?.abort();
        if (forward?.responseStarted) res.destroy();
        throw err;
    }
    const relay = forward!;
    // The worker writes its response before it reports the invocation done, but the two travel apart.
    const grace = new Promise<'none'>((resolve) => setTimeout(resolve, RESPONSE_GRACE_MS, 'none').unref());
    if ((await Promise.race([relay.responded.then(() => 'ok' as const), grace])) === 'none') {
        relay.abort();
        throw new HttpError(
            500,
            `Function '${matched.functionName}' completed without an HTTP response: with enableHttpStream its handler must return one.`,
        );
    }
    try {
        await relay.relayed;
    } catch (err) {
        if (relay.responseStarted) res.destroy();
        throw err;
    }
    return res.statusCode;
}

/**
 * A function's headers without the ones that frame the body: the host sends the body it got in one
 * piece and sets its length itself (a function's own Content-Length would be sent twice and break
 * the response).
 */
function framingFree(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(headers).filter(([name]) => !/^(content-length|transfer-encoding)$/i.test(name)),
    );
}
