import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpClient, PipelineRequest } from '@azure/core-rest-pipeline';
import { jwtFor } from './fakeServer';

/**
 * A fake GitHub Actions OIDC token endpoint and a fake Entra ID token endpoint sharing one virtual clock (seconds).
 * GitHub's tokens live 5 minutes (exp = iat + 300, as in GitHub's example token); Entra refuses an assertion past
 * its exp with AADSTS700024, as it does for the expired token of a long azure/login session (Azure/login#372).
 */

export const ASSERTION_LIFETIME_S = 300;
export const REQUEST_TOKEN = 'actions-request-token';
export const TENANT = '11111111-1111-1111-1111-111111111111';
export const CLIENT_ID = '22222222-2222-2222-2222-222222222222';
export const SUBJECT = 'repo:octo-org@123456/durable-hello@456789:environment:dev';
export const AUTHORITY_HOST = 'https://login.fake-entra.test';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const claimsOf = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

abstract class Loopback {
    #server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => this.handle(req, Buffer.concat(chunks).toString(), res));
    });
    protected abstract handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void;
    get baseUrl() {
        return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    }
    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
        return this;
    }
    async stop(): Promise<void> {
        this.#server.closeAllConnections();
        await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }
    protected json(res: http.ServerResponse, status: number, body: unknown) {
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    }
}

export class VirtualSeconds {
    constructor(public now = 1_800_000_000) {}
    advance(seconds: number) {
        this.now += seconds;
    }
}

export interface IssuedToken {
    jti: string;
    iat: number;
    audience: string;
}

/** GET /token?...&audience=<aud> with `Authorization: Bearer <request token>` → `{"value": "<jwt>"}`. */
export class FakeGitHubOidc extends Loopback {
    readonly issued: IssuedToken[] = [];
    /** Statuses to answer before issuing tokens again (to exercise retries). */
    failures: number[] = [];
    constructor(private clock: VirtualSeconds) {
        super();
    }
    /** ACTIONS_ID_TOKEN_REQUEST_URL as the runner sets it: it already carries a query. */
    get requestUrl() {
        return `${this.baseUrl}/token?api-version=2.0`;
    }
    protected handle(req: http.IncomingMessage, _body: string, res: http.ServerResponse) {
        const url = new URL(req.url ?? '/', this.baseUrl);
        if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`)
            return this.json(res, 401, { message: 'bad request token' });
        const failure = this.failures.shift();
        if (failure) return this.json(res, failure, { message: 'try again' });
        const audience = url.searchParams.get('audience') ?? 'https://github.com/octo-org';
        const iat = this.clock.now;
        const jti = `gh-${this.issued.length + 1}`;
        this.issued.push({ jti, iat, audience });
        const claims = {
            iss: 'https://token.actions.githubusercontent.com',
            sub: SUBJECT,
            aud: audience,
            jti,
            iat,
            nbf: iat - 600,
            exp: iat + ASSERTION_LIFETIME_S,
        };
        this.json(res, 200, { count: 1, value: `${b64({ typ: 'JWT', alg: 'none' })}.${b64(claims)}.c2ln` });
    }
}

export interface Exchange {
    scope: string;
    assertion?: Record<string, unknown>;
    at: number;
    status: number;
}

/** The tenant's OpenID metadata and its token endpoint, accepting only unexpired GitHub assertions for SUBJECT. */
export class FakeEntra extends Loopback {
    readonly exchanges: Exchange[] = [];
    constructor(private clock: VirtualSeconds) {
        super();
    }
    protected handle(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
        const path = new URL(req.url ?? '/', this.baseUrl).pathname;
        if (req.method === 'GET' && path === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
            const base = `${AUTHORITY_HOST}/${TENANT}`;
            return this.json(res, 200, {
                issuer: `${base}/v2.0`,
                token_endpoint: `${base}/oauth2/v2.0/token`,
                authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
                jwks_uri: `${AUTHORITY_HOST}/common/discovery/v2.0/keys`,
            });
        }
        if (req.method !== 'POST' || path !== `/${TENANT}/oauth2/v2.0/token`)
            return this.json(res, 404, { error: 'not_found' });
        const form = new URLSearchParams(body);
        const scope = form.get('scope') ?? '';
        const exchange: Exchange = { scope, at: this.clock.now, status: 200 };
        this.exchanges.push(exchange);
        const fail = (status: number, error: string, description: string) => {
            exchange.status = status;
            this.json(res, status, { error, error_description: description });
        };
        if (form.get('client_id') !== CLIENT_ID || form.get('grant_type') !== 'client_credentials')
            return fail(400, 'invalid_request', 'AADSTS900144: bad request');
        let claims: Record<string, unknown>;
        try {
            claims = claimsOf(form.get('client_assertion') ?? '');
        } catch {
            return fail(401, 'invalid_client', 'AADSTS50027: JWT token is invalid or malformed.');
        }
        exchange.assertion = claims;
        if (claims.aud !== 'api://AzureADTokenExchange')
            return fail(
                401,
                'invalid_client',
                `AADSTS700212: No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`,
            );
        if (claims.sub !== SUBJECT)
            return fail(
                401,
                'invalid_client',
                `AADSTS700213: No matching federated identity record found for presented assertion subject '${String(claims.sub)}'.`,
            );
        if (Number(claims.exp) <= this.clock.now) {
            return fail(
                401,
                'invalid_client',
                `AADSTS700024: Client assertion is not within its valid time range. Current time: ${this.clock.now}, expiry time of assertion ${String(claims.exp)}.`,
            );
        }
        this.json(res, 200, {
            token_type: 'Bearer',
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: jwtFor(scope.replace(/\/\.default$/, '')),
        });
    }
}

/**
 * The HTTP client the credential gets in tests: requests for the fake authority host go to the loopback fake.
 * @azure/identity accepts only an https authority host (identityClient.ts), so the rewrite happens below it.
 */
export function loopbackHttpClient(entra: FakeEntra): HttpClient {
    const { createDefaultHttpClient } =
        require('@azure/core-rest-pipeline') as typeof import('@azure/core-rest-pipeline');
    const inner = createDefaultHttpClient();
    return {
        sendRequest(request: PipelineRequest) {
            if (request.url.startsWith(AUTHORITY_HOST)) {
                request.url = entra.baseUrl + request.url.slice(AUTHORITY_HOST.length);
                request.allowInsecureConnection = true;
            }
            return inner.sendRequest(request);
        },
    };
}
