import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactQuerySecrets } from '../../cli/redact';
import { HttpError, sendError, sendJson } from './respond';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

/**
 * The host's HTTP server: each handler claims the request or passes; errors become JSON 4xx/5xx and
 * never stop the server.
 */
export function createHostServer(
    handlers: RequestHandler[],
    index: () => unknown,
    log: (message: string) => void,
): Server {
    return createServer((req, res) => {
        endAfterRequestBody(req, res);
        void handle(req, res).catch((err: unknown) => {
            if (err instanceof HttpError) {
                if (!res.headersSent) sendError(res, err.status, err.message, err.details);
                else res.end();
                return;
            }
            // Route handlers decode path segments; a malformed %-escape there is the client's mistake, not the host's.
            if (err instanceof URIError) {
                if (!res.headersSent) sendError(res, 400, `Malformed percent-encoding in ${req.url}: ${err.message}.`);
                else res.end();
                return;
            }
            log(`Request ${req.method} ${redactQuerySecrets(req.url ?? '')} failed: ${(err as Error)?.stack ?? err}`);
            // The host's log has the whole error; the caller gets it without the machine's paths (the data directory's,
            // for one).
            if (!res.headersSent)
                sendError(
                    res,
                    500,
                    `The local host could not handle the request: ${withoutPaths(String((err as Error)?.message ?? err))} (details in the host's log)`,
                );
            else res.end();
        });
    });

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        let url: URL;
        try {
            url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
        } catch {
            throw new HttpError(400, `Malformed request URL or Host header.`);
        }
        for (const handler of handlers) {
            if (await handler(req, res, url)) return;
        }
        if (url.pathname === '/' || url.pathname === '') {
            sendJson(res, 200, index());
            return;
        }
        sendError(res, 404, `Nothing at ${url.pathname}. GET / lists the app's functions.`);
    }
}

/** How long an early answer waits for the rest of a request body it did not read before closing anyway. */
const LINGER_MS = 5_000;

/**
 * Lingering close, as nginx does: holds `res.end` back until the request body is fully received. An
 * answer sent before the body is read (404, 405, 413, ...) on a `Connection: close` request would
 * otherwise close the socket while the client is still sending, and the client sees EPIPE/ECONNRESET
 * instead of the answer.
 */
function endAfterRequestBody(req: IncomingMessage, res: ServerResponse): void {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
        if (req.complete || req.destroyed) return end(...args);
        let ended = false;
        const finish = () => {
            if (ended) return;
            ended = true;
            clearTimeout(timer);
            end(...args);
        };
        const timer = setTimeout(finish, LINGER_MS);
        req.once('end', finish).once('close', finish).once('error', finish);
        req.resume();
        return res;
    }) as ServerResponse['end'];
}

/** listen's rejection when another process holds the port (EADDRINUSE). */
export class PortInUseError extends Error {
    constructor(
        readonly port: number,
        readonly host: string,
    ) {
        super(`Port ${port} on ${host} is already in use by another process.`);
        this.name = 'PortInUseError';
    }
}

/**
 * Absolute file paths (POSIX or Windows) shortened to their last segment: `open '/home/me/.durable-local/x.log'` →
 * `open 'x.log'`.
 */
export function withoutPaths(message: string): string {
    return message.replace(/(?:[A-Za-z]:\\|\\\\|\/)(?:[^\s'"`\\/]+[\\/])+/g, '');
}

export function listen(server: Server, port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const fail = (err: NodeJS.ErrnoException): void =>
            reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, host) : err);
        server.once('error', fail);
        server.listen(port, host, () => {
            server.off('error', fail);
            resolve((server.address() as AddressInfo).port);
        });
    });
}
