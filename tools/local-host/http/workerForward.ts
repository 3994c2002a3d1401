import {
    Agent,
    request as httpRequest,
    type ClientRequest,
    type IncomingHttpHeaders,
    type IncomingMessage,
    type ServerResponse,
} from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './respond';

/** One pool of kept-alive connections to the workers' HTTP proxies. */
const agent = new Agent({ keepAlive: true });

/** Hop-by-hop headers a proxy does not pass on (RFC 9110 §7.6.1), nor the Host header (the target's is used). */
const NOT_FORWARDED = new Set([
    'connection',
    'keep-alive',
    'proxy-connection',
    'proxy-authenticate',
    'proxy-authorization',
    'te',
    'trailer',
    'transfer-encoding',
    'upgrade',
    'host',
]);

/**
 * The header that pairs the proxied request with its invocation (azure-functions-host
 * src/WebJobs.Script/ScriptConstants.cs HttpProxyCorrelationHeader).
 */
export const INVOCATION_ID_HEADER = 'x-ms-invocation-id';

/**
 * The host's side of HTTP streaming. With `app.setup({ enableHttpStream: true })` the app's
 * @azure/functions library serves HTTP itself and reports the URL as its `HttpUri` capability; the
 * Functions host then forwards each HTTP trigger request there, with `x-ms-invocation-id` and the
 * `X-Forwarded-*` headers, and relays the response (azure-functions-host
 * src/WebJobs.Script.Grpc/Server/DefaultHttpProxyService.cs: YARP's HttpForwarder, started just before
 * the InvocationRequest is sent, awaited once the invocation completes). Both bodies are piped with
 * backpressure: neither is held whole in the host.
 */
export class WorkerForward {
    /** Settles when the worker's response has been relayed to the client in full (rejects if either side failed). */
    readonly relayed: Promise<void>;
    /** Settles when the worker's response headers arrive. */
    readonly responded: Promise<void>;
    #proxyReq: ClientRequest;
    #req: IncomingMessage;
    #upload: Transform;
    #responseStarted = false;

    constructor(
        req: IncomingMessage,
        res: ServerResponse,
        httpUri: string,
        invocationId: string,
        maxRequestBytes: number,
    ) {
        const target = new URL(req.url ?? '/', httpUri);
        this.#proxyReq = httpRequest(target, {
            method: req.method,
            headers: forwardedHeaders(req, invocationId),
            agent,
        });
        this.responded = new Promise((resolve, reject) => {
            this.#proxyReq.once('response', () => resolve());
            this.#proxyReq.once('error', reject);
        });
        this.responded.catch(() => undefined);
        const response = new Promise<IncomingMessage>((resolve) => this.#proxyReq.once('response', resolve));
        // The client's request is piped, not owned: a failed forward must not destroy the client's
        // connection (its error response still has to reach it, and keep-alive reuse must stay safe).
        this.#req = req;
        this.#upload = byteLimit(maxRequestBytes);
        req.pipe(this.#upload);
        req.once('aborted', () =>
            this.#upload.destroy(new Error('The client went away before sending the whole body.')),
        );
        this.relayed = Promise.all([
            pipeline(this.#upload, this.#proxyReq),
            response.then((proxyRes) => {
                this.#responseStarted = true;
                res.writeHead(proxyRes.statusCode ?? 502, passedOn(proxyRes.headers));
                return pipeline(proxyRes, res);
            }),
        ]).then(() => undefined);
        this.relayed.catch(() => this.abort());
    }

    /** Whether the client has been sent the worker's status line (a failure now can only cut the response). */
    get responseStarted(): boolean {
        return this.#responseStarted;
    }

    /**
     * Drops the forwarded request (the invocation failed, or the client went away). The rest of the
     * client's body is read and discarded, as Kestrel does, so its connection stays usable.
     */
    abort(): void {
        this.#req.unpipe(this.#upload);
        this.#req.resume();
        this.#proxyReq.destroy();
    }
}

function forwardedHeaders(req: IncomingMessage, invocationId: string): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
    const client = req.socket.remoteAddress ?? '';
    const forwardedFor = req.headers['x-forwarded-for'];
    // YARP's default transforms (the host's forwarder): X-Forwarded-For (appended), -Proto and -Host;
    // @azure/functions builds the request URL from the last two (src/http/HttpRequest.ts createStreamRequest).
    headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${client}` : client;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-host'] = req.headers.host ?? 'localhost';
    headers[INVOCATION_ID_HEADER] = invocationId;
    return headers;
}

function passedOn(headers: IncomingHttpHeaders): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers))
        if (value !== undefined && !NOT_FORWARDED.has(name)) out[name] = value;
    return out;
}

/** Passes the body through, failing with 413 past the host's request size limit. */
function byteLimit(maxBytes: number): Transform {
    let size = 0;
    return new Transform({
        transform(chunk: Buffer, _encoding, done) {
            size += chunk.length;
            if (size > maxBytes) done(new HttpError(413, `Request body exceeds ${maxBytes} bytes.`, { maxBytes }));
            else done(null, chunk);
        },
    });
}
