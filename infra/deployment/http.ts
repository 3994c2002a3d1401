import { deploymentError, type Fetch } from './errors';

/**
 * Every Azure request of the deploy and teardown clients, bounded. undici's own limits (300 s to the headers, none
 * on a body that trickles) are not ours to rely on: each request has
 * - a connect/headers deadline: from the request until the response headers (after the request body is sent);
 * - a body-idle deadline: no byte written (request body) or read (response body) for that long;
 * - a request deadline: the whole request, however its bytes trickle;
 * - the caller's bound (a phase's or the whole deployment's deadline), which aborts what is in flight.
 * Each aborts the request through its AbortSignal, and the error names the deadline and the request.
 */

export interface RequestDeadlines {
    headersMs: number;
    bodyIdleMs: number;
    requestMs: number;
}

export const DEFAULT_DEADLINES: RequestDeadlines = { headersMs: 60_000, bodyIdleMs: 60_000, requestMs: 180_000 };
/**
 * The upload's: a large zip on a slow link takes long while bytes still flow, and Kudu may store the package before
 * it answers, so the answer after the last byte and the whole request get longer; a stall is caught as fast.
 */
export const DEFAULT_UPLOAD_DEADLINES: RequestDeadlines = {
    headersMs: 5 * 60_000,
    bodyIdleMs: 60_000,
    requestMs: 20 * 60_000,
};

/** A point in time (in `now()` milliseconds) past which nothing may run, and its name for messages. */
export interface Bound {
    at: number;
    name: string;
}

export interface HttpContext {
    http: Fetch;
    now: () => number;
    deadlines: RequestDeadlines;
}

const DEADLINE_ERROR = 'DeadlineError';
const CHUNK = 64 * 1024;
/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The URL as messages show it: query values dropped except a few known harmless ones (a Location or nextLink may carry
 * a token).
 */
export function safeUrl(raw: string): string {
    const url = new URL(raw);
    const kept = ['api-version', 'RemoteBuild', 'Deployer'];
    const query = [...url.searchParams.keys()].map((key) =>
        kept.includes(key) ? `${key}=${url.searchParams.get(key)}` : `${key}=…`,
    );
    return `${url.origin}${url.pathname}${query.length ? `?${query.join('&')}` : ''}`;
}

export function isDeadlineError(err: unknown): boolean {
    return err instanceof Error && err.name === DEADLINE_ERROR;
}

/** A duration for messages: `250 ms`, `8 s`, `15 min`. */
export function duration(ms: number): string {
    if (ms >= 120_000) return `${Math.round(ms / 6_000) / 10} min`;
    return ms >= 1_000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** A DeploymentError saying a bound passed: nothing more may run. */
export function boundPassed(message: string): Error {
    const error = deploymentError(message);
    (error as { boundPassed?: boolean }).boundPassed = true;
    return error;
}

export function isBoundPassed(err: unknown): boolean {
    return (err as { boundPassed?: boolean } | undefined)?.boundPassed === true;
}

/** How long until `bound`, or the error naming it when it has passed. */
export function remaining(now: () => number, bound: Bound, doing: string): number {
    const left = bound.at - now();
    if (left <= 0) throw boundPassed(`The ${bound.name} passed before ${doing}.`);
    return left;
}

/** The earlier of two bounds. */
export function earlier(a: Bound, b: Bound | undefined): Bound {
    return b && b.at < a.at ? b : a;
}

export interface Answer {
    status: number;
    headers: Headers;
    /** The body, at most `maxBytes` of it, and as text. */
    body: Buffer;
    text: string;
}

export interface RequestInit {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: Buffer;
    bound: Bound;
    /** Bytes of the body kept (default 64 KiB); the rest is not read. */
    maxBytes?: number;
    deadlines?: Partial<RequestDeadlines>;
}

/**
 * Sends one request within its deadlines. A passed per-request deadline throws a DeadlineError (the request may be
 * tried again); the caller's bound throws a DeploymentError (nothing more may run).
 */
export async function send(ctx: HttpContext, init: RequestInit): Promise<Answer> {
    const d = { ...ctx.deadlines, ...init.deadlines };
    const label = `${init.method} ${safeUrl(init.url)}`;
    const left = remaining(ctx.now, init.bound, label);
    const controller = new AbortController();
    let fired: Error | undefined;
    const fire = (error: Error) => () => {
        fired ??= error;
        controller.abort(fired);
    };
    const deadline = (what: string, ms: number) => {
        const error = new Error(`${label}: ${what} (${duration(ms)})`);
        error.name = DEADLINE_ERROR;
        return error;
    };
    const timers = [
        setTimeout(fire(deadline('the request deadline passed', d.requestMs)), d.requestMs),
        setTimeout(
            fire(boundPassed(`${label} was in flight when the ${init.bound.name} passed; aborted it.`)),
            Math.min(left, MAX_TIMER_MS),
        ),
    ];
    let phase: NodeJS.Timeout | undefined;
    let settled = false;
    const arm = (what: string, ms: number) => {
        clearTimeout(phase);
        // The upload stream can be pulled once more after the request ended (fetch gave up on it): a timer armed
        // then would outlive send() and keep the process alive for up to the deadline (5 min for an upload).
        if (settled) return;
        phase = setTimeout(fire(deadline(what, ms)), ms);
    };
    arm('no response headers within the connect/headers deadline', d.headersMs);
    // Each chunk the socket takes re-arms the body-idle deadline; after the last, the headers deadline runs again.
    const written = (done: boolean) =>
        done
            ? arm('no response headers within the connect/headers deadline after the body was sent', d.headersMs)
            : arm('no byte of the request body written within the body-idle deadline', d.bodyIdleMs);
    try {
        const response = await ctx.http(init.url, {
            method: init.method,
            // An explicit length: the body is a stream (to see each write), which would otherwise go chunked.
            headers: init.body ? { ...init.headers, 'Content-Length': String(init.body.length) } : init.headers,
            body: init.body ? upload(init.body, written) : undefined,
            signal: controller.signal,
            ...(init.body ? { duplex: 'half' } : {}),
        } as globalThis.RequestInit);
        arm('no byte of the response body within the body-idle deadline', d.bodyIdleMs);
        const body = await readBody(response, init.maxBytes ?? 64 * 1024, () =>
            arm('no byte of the response body within the body-idle deadline', d.bodyIdleMs),
        );
        return { status: response.status, headers: response.headers, body, text: body.toString('utf8') };
    } catch (err) {
        throw fired ?? err;
    } finally {
        settled = true;
        clearTimeout(phase);
        timers.forEach(clearTimeout);
    }
}

/** The body as a stream pulled chunk by chunk, so each write the socket takes is seen (`done` once all is taken). */
function upload(body: Buffer, onPull: (done: boolean) => void): ReadableStream<Uint8Array> {
    let offset = 0;
    return new ReadableStream<Uint8Array>(
        {
            pull(controller) {
                if (offset >= body.length) {
                    controller.close();
                    onPull(true);
                    return;
                }
                const chunk = body.subarray(offset, offset + CHUNK);
                offset += chunk.length;
                controller.enqueue(new Uint8Array(chunk));
                onPull(false);
            },
        },
        { highWaterMark: 0 },
    );
}

async function readBody(response: Response, maxBytes: number, onByte: () => void): Promise<Buffer> {
    if (!response.body) return Buffer.alloc(0);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        onByte();
        chunks.push(value);
        size += value.length;
        if (size >= maxBytes) {
            await reader.cancel().catch(() => undefined);
            break;
        }
    }
    return Buffer.concat(chunks).subarray(0, maxBytes);
}

/**
 * A token request within a deadline: the credential gets the AbortSignal (@azure/identity
 * `GetTokenOptions.abortSignal`), and the wait ends at the deadline even when a credential ignores it.
 */
export async function tokenWithin<T>(get: (signal: AbortSignal) => Promise<T>, what: string, ms: number): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            const error = new Error(`${what}: no token within the token deadline (${duration(ms)})`);
            error.name = DEADLINE_ERROR;
            controller.abort(error);
            reject(error);
        }, ms);
    });
    try {
        return await Promise.race([get(controller.signal), late]);
    } finally {
        clearTimeout(timer);
    }
}
