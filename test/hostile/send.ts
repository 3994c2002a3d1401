import * as http from 'node:http';
import type { HostileRequest } from './generate';

export interface Outcome {
    label: string;
    status?: number;
    error?: string;
    /** The answer's body (first 64 KiB). */
    body?: string;
}

const BODY_KEPT = 64 * 1024;

/** Sends one request to 127.0.0.1:port exactly as given (any method, raw path, odd headers). */
export function send(port: number, request: HostileRequest, timeoutMs = 10_000): Promise<Outcome> {
    return new Promise((resolve) => {
        // Frame every body with Content-Length: Node's client sends OPTIONS/DELETE bodies unframed, which is
        // garbage after the request (the server rightly answers 400 and resets), not a hostile input to the host.
        const headers = request.body
            ? { ...request.headers, 'content-length': String(request.body.length) }
            : request.headers;
        const req = http.request(
            {
                host: '127.0.0.1',
                port,
                method: request.method,
                path: request.path,
                headers,
                agent: false,
                timeout: timeoutMs,
            },
            (res) => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (chunk: string) => {
                    if (body.length < BODY_KEPT) body += chunk;
                });
                res.on('end', () => resolve({ label: request.label, status: res.statusCode, body }));
                res.on('error', (err) =>
                    resolve({ label: request.label, status: res.statusCode, error: `response: ${err.message}` }),
                );
            },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (err) => resolve({ label: request.label, error: err.message }));
        req.end(request.body);
    });
}

/** Sends all requests with at most `concurrency` in flight. */
export async function sendAll(port: number, requests: HostileRequest[], concurrency: number): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
        while (next < requests.length) {
            const i = next++;
            outcomes[i] = await send(port, requests[i]);
        }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return outcomes;
}
