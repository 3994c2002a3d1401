import type { IncomingMessage, ServerResponse } from 'node:http';
import { durableClientBindingData } from '../durable-api/clientBinding';
import type { RpcTypedData } from '../worker/functionsCore';
import type { AppFunctions } from '../worker-channel/appFunctions';
import { invokeHttp } from '../worker-channel/triggers';
import type { FunctionRoute } from './functionRoutes';
import { HttpError, readBody, sendError } from './respond';

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

/** Serves `/<routePrefix>/<route>` by invoking the matching httpTrigger function through the worker protocol. */
export function functionsHandler(options: FunctionsHandlerOptions) {
    return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        const prefix = options.routePrefix ? `/${options.routePrefix}` : '';
        const lowerPath = url.pathname.toLowerCase();
        if (prefix && lowerPath !== prefix && !lowerPath.startsWith(`${prefix}/`)) return false;
        const routePath = url.pathname.slice(prefix.length);
        const matches = options.routes.map((route) => ({ route, params: route.match(routePath) })).filter((m) => m.params);
        if (matches.length === 0) return false;
        const method = (req.method ?? 'GET').toUpperCase();
        const hit = matches.find((m) => !m.route.methods || m.route.methods.includes(method));
        if (!hit) {
            const allowed = [...new Set(matches.flatMap((m) => m.route.methods ?? []))];
            res.setHeader('Allow', allowed.join(', '));
            sendError(res, 405, `Method ${method} is not allowed on ${url.pathname}. Allowed: ${allowed.join(', ')}.`, { allowed });
            return true;
        }
        const body = await readBody(req, MAX_REQUEST_BYTES);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const query: Record<string, string> = {};
        url.searchParams.forEach((value, key) => (query[key] = value));
        const extraInputs: Record<string, RpcTypedData> = {};
        const bindings = options.functions.registrations.get(hit.route.functionName)!.metadata.bindings;
        for (const [name, binding] of Object.entries(bindings)) {
            if (binding.type === 'durableClient' || binding.type === 'orchestrationClient') {
                extraInputs[name] = { string: JSON.stringify(durableClientBindingData(options.origin(), options.taskHubName, { rpcBaseUrl: options.rpcBaseUrl(), systemKey: options.systemKey })) };
            }
        }
        const started = Date.now();
        try {
            const result = await invokeHttp(
                options.functions,
                hit.route.functionName,
                { method, url: url.href, headers, query, params: hit.params ?? {}, body: body.length > 0 ? { bytes: body } : undefined },
                extraInputs,
            );
            res.writeHead(result.status, { ...framingFree(result.headers), 'Content-Length': String(result.body.length) });
            res.end(result.body);
            options.log(`Executed '${hit.route.functionName}' (${method} ${url.pathname} → ${result.status}, ${Date.now() - started} ms)`);
        } catch (err) {
            options.log(`Executed '${hit.route.functionName}' (Failed, ${Date.now() - started} ms): ${(err as Error).stack ?? err}`);
            throw new HttpError(500, `Function '${hit.route.functionName}' failed: ${(err as Error).message}`);
        }
        return true;
    };
}

/**
 * A function's headers without the ones that frame the body: the host sends the body it got in one
 * piece and sets its length itself (a function's own Content-Length would be sent twice and break
 * the response).
 */
function framingFree(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(content-length|transfer-encoding)$/i.test(name)));
}
