import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the fake Azure endpoints share: a loopback server that records requests, and Entra ID-shaped tokens.
 * Test tokens are unsigned JWTs (header.payload.signature, base64url) whose `aud` the fakes check, as Kudu and
 * ARM do: a token for another audience gets 401.
 */

export const AUDIENCE = {
    appService: 'https://appservice.azure.com',
    legacyArm: 'https://management.core.windows.net/',
    arm: 'https://management.azure.com',
} as const;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT for `aud`, as Entra ID would issue for the scope `<aud>/.default`. */
export function jwtFor(aud: string): string {
    return `${base64url({ typ: 'JWT', alg: 'none' })}.${base64url({ aud, iss: 'https://sts.windows.net/tenant/', oid: 'deployer' })}.c2ln`;
}

/** What Entra ID issues for a scope: a token whose audience is the scope without `/.default`. */
export function tokenForScope(scope: string): string {
    return jwtFor(scope.replace(/\/\.default$/, ''));
}

/** The `aud` of a `Bearer <jwt>` header; undefined when it is not one. */
export function audienceOf(authorization: string | undefined): string | undefined {
    const payload = /^Bearer [\w-]+\.([\w-]+)\.[\w-]*$/.exec(authorization ?? '')?.[1];
    if (!payload) return undefined;
    try {
        const aud = (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { aud?: unknown }).aud;
        return typeof aud === 'string' ? aud : undefined;
    } catch {
        return undefined;
    }
}

export interface RecordedRequest {
    method: string;
    path: string;
    authorization?: string;
    audience?: string;
    contentType?: string;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

/**
 * How a request can misbehave, as a network or an overloaded server does:
 * - `hang`: the request is read, no answer ever comes (not even headers);
 * - `stallUpload`: the request body is never read, so the client's writes stop once the socket buffers are full;
 * - `trickle`: headers at once, then one byte of body every `everyMs` (real) milliseconds, never ending;
 * - `reset`: the connection is reset (TCP RST) once the request has arrived.
 */
export type Misbehaviour =
    { kind: 'hang' } | { kind: 'stallUpload' } | { kind: 'trickle'; everyMs: number } | { kind: 'reset' };

interface Rule {
    when: (method: string, path: string) => boolean;
    how: Misbehaviour;
    times: number;
}

export abstract class FakeServer {
    readonly requests: RecordedRequest[] = [];
    /** The requests that misbehaved, as `METHOD path kind`. */
    readonly misbehaved: string[] = [];
    #rules: Rule[] = [];
    #timers = new Set<NodeJS.Timeout>();
    #server = http.createServer((req, res) => {
        const rule = this.#rules.find((r) => r.times > 0 && r.when(req.method ?? '', req.url ?? ''));
        if (rule) {
            rule.times--;
            this.misbehaved.push(`${req.method} ${req.url} ${rule.how.kind}`);
            if (rule.how.kind === 'stallUpload') return void req.pause();
            req.resume();
            req.on('end', () => this.#misbehave(rule.how, res));
            return;
        }
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const request: RecordedRequest = {
                method: req.method ?? '',
                path: req.url ?? '',
                authorization: req.headers.authorization,
                audience: audienceOf(req.headers.authorization),
                contentType: req.headers['content-type'],
                headers: req.headers,
                body: Buffer.concat(chunks),
            };
            this.requests.push(request);
            if (!request.audience || !this.accepts(request.audience)) {
                res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end(
                    `Unauthorized: token audience ${request.audience ?? '(none)'} not accepted`,
                );
                return;
            }
            this.handle(request, res);
        });
    });

    /** From now on, `times` requests matching `when` misbehave `how` (see {@link Misbehaviour}). */
    misbehave(when: (method: string, path: string) => boolean, how: Misbehaviour, times = Infinity): this {
        this.#rules.push({ when, how, times });
        return this;
    }

    #misbehave(how: Misbehaviour, res: http.ServerResponse): void {
        if (how.kind === 'hang') return;
        if (how.kind === 'reset') return void res.socket?.resetAndDestroy();
        if (how.kind === 'trickle') {
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.write('[');
            const timer = setInterval(() => res.write(' '), how.everyMs);
            this.#timers.add(timer);
            res.on('close', () => {
                clearInterval(timer);
                this.#timers.delete(timer);
            });
        }
    }

    /** Whether a token for `audience` is accepted. */
    protected abstract accepts(audience: string): boolean;
    protected abstract handle(request: RecordedRequest, res: http.ServerResponse): void;

    get baseUrl(): string {
        return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    }

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
        return this;
    }

    async stop(): Promise<void> {
        this.#timers.forEach(clearInterval);
        this.#server.closeAllConnections();
        await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }

    protected json(res: http.ServerResponse, status: number, body: unknown): void {
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    }
}

/** Virtual time: sleeping advances the clock instantly, so retries and timeouts cost no real time. */
export function virtualClock(start = 1_000_000) {
    const clock = { t: start, slept: [] as number[] };
    return {
        clock,
        now: () => clock.t,
        sleep: async (ms: number) => {
            clock.slept.push(ms);
            clock.t += ms;
        },
    };
}
