import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly details: Record<string, unknown> = {},
    ) {
        super(message);
    }
}

export function sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(text)),
        ...headers,
    });
    res.end(text);
}

export function sendError(
    res: ServerResponse,
    status: number,
    message: string,
    details: Record<string, unknown> = {},
): void {
    sendJson(res, status, { error: message, ...details });
}

/** Reads a request body up to `maxBytes`; larger bodies are refused with 413. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
            req.resume();
            reject(
                new HttpError(413, `Request body is ${declared} bytes; the local host accepts at most ${maxBytes}.`, {
                    maxBytes,
                }),
            );
            return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
                req.destroy();
                reject(new HttpError(413, `Request body exceeds ${maxBytes} bytes.`, { maxBytes }));
            } else chunks.push(chunk);
        });
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
    });
}
