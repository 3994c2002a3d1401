import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProxy, type RunningProxy } from '../../tools/dashboard/proxy';

/**
 * The dashboard's proxy against a scripted stand-in for the app (raw HTTP, so each spelling of a path reaches
 * the proxy byte for byte): what it forwards, what it refuses, and what it answers the page.
 */
// A key with the characters that change under URL, form, JSON and HTML encoding.
const KEY = 'Zq8/k+Pw==Ab3x/9+ZZ';

interface Upstream {
    status: number;
    headers?: Record<string, string>;
    body?: string | Buffer;
}
interface Seen {
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    body: string;
}

let app: Server;
let appOrigin: string;
let proxy: RunningProxy;
let next: Upstream = { status: 200, headers: { 'content-type': 'application/json' }, body: '[]' };
const seen: Seen[] = [];
const logged: string[] = [];

beforeAll(async () => {
    app = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            seen.push({
                method: req.method ?? '',
                url: req.url ?? '',
                headers: req.headers,
                body: Buffer.concat(chunks).toString(),
            });
            res.writeHead(next.status, next.headers ?? {}).end(next.body);
        });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    proxy = await startProxy({
        upstream: appOrigin,
        keys: { current: async () => KEY, refresh: async () => KEY },
        allowActions: true,
        label: 'func-test',
        port: 0,
        log: (line) => void logged.push(line),
    });
});

afterAll(async () => {
    await proxy?.close();
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
});

beforeEach(() => {
    seen.length = 0;
    next = { status: 200, headers: { 'content-type': 'application/json' }, body: '[]' };
});

interface Reply {
    status: number;
    headers: IncomingHttpHeaders;
    body: Buffer;
    text: string;
}

/** `path` exactly as given on the request line, from the dashboard's own origin. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
    const host = `127.0.0.1:${proxy.port}`;
    return new Promise((resolve, reject) => {
        const req = request(
            {
                host: '127.0.0.1',
                port: proxy.port,
                method,
                path,
                headers: { host, origin: `http://${host}`, ...headers },
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('end', () => {
                    const all = Buffer.concat(chunks);
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        body: all,
                        text: all.toString('utf8'),
                    });
                });
            },
        );
        req.on('error', reject);
        req.end(body);
    });
}

const API = '/runtime/webhooks/durabletask';
const FILTER = '?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Running,Completed';

describe('routing: the path as the Durable extension reads it', () => {
    // Each of these is, to the extension or to a layer in front of it, DELETE on `instances` with no id:
    // the purge of every instance the filters match (HttpApiHandler: "/" + path.Trim('/'), then the
    // instances route with no instanceId → HandleDeleteHistoryWithFiltersRequestAsync).
    const PURGE_SPELLINGS = [
        'instances',
        'instances/',
        'instances//',
        '/instances',
        'INSTANCES/',
        'Instances',
        'instances/%2F',
        'instances/%2f',
        'instances/%2F%2F',
        'instances/%252F',
        'instances/%25252F',
        'instances/%5C',
        'instances/%5c',
        'instances/\\',
        'instances/%20',
        'instances/%20%20',
        'instances/%09',
        'instances/%0A',
        'instances/%0D%0A',
        'instances/%00',
        'instances/%C2%A0',
        'instances/%E2%80%A8',
        'instances/.',
        'instances/./',
        'instances/%2E',
        'instances/%2e/',
        'instances/x/..',
        'instances/x/../',
        'instances/x/%2E%2E',
        'instances/x/%2e%2E/',
        'instances/./x/..',
        'instances/%3F',
        'instances/%23',
        'instances/%2F/x/..',
        'instances/%',
        'instances/%zz',
    ];

    it.each(PURGE_SPELLINGS.flatMap((p) => [p, `${p}${FILTER}`]))(
        'refuses DELETE %s and sends nothing upstream',
        async (spelling) => {
            const reply = await send('DELETE', `${API}/${spelling}`);
            expect(reply.status).toBeGreaterThanOrEqual(400);
            expect(reply.status).toBeLessThan(500);
            expect(JSON.parse(reply.text).error).toEqual(expect.any(String));
            expect(seen).toEqual([]);
        },
    );

    it('says why: a purge by filter, or a path each layer reads differently', async () => {
        const purge = await send('DELETE', `${API}/instances/${FILTER}`);
        expect(purge.status).toBe(403);
        expect(JSON.parse(purge.text).error).toContain('purge of every instance matching the filters');
        expect(logged.at(-1)).toContain(`Refused DELETE ${API}/instances/:`);
        const encoded = await send('DELETE', `${API}/instances/%2F${FILTER}`);
        expect(encoded.status).toBe(400);
        expect(JSON.parse(encoded.text).error).toContain(
            "an encoded '/' or '\\' in the path reads differently to each layer",
        );
    });

    it('forwards the actions the page sends in one canonical spelling, with only the parameters each takes', async () => {
        next = { status: 202, body: '' };
        await send('POST', `${API}/Instances/a%20b/TERMINATE?reason=not%20needed&code=${KEY_PLACEHOLDER_FOR_TEST}`);
        await send(
            'POST',
            `${API}/instances/a-b/raiseEvent/approval/`,
            { 'content-type': 'application/json' },
            '{"ok":true}',
        );
        await send('POST', `${API}/instances/a-b/restart?restartWithNewInstanceId=true`);
        next = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"instancesDeleted":1}' };
        await send('DELETE', `${API}/instances/a-b/`);
        await send('GET', `${API}/instances/a-b?showHistory=true&showInput=true`);
        const code = `code=${encodeURIComponent(KEY)}`;
        expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
            `POST ${API}/instances/a%20b/terminate?reason=not+needed&${code}`,
            `POST ${API}/instances/a-b/raiseEvent/approval?${code}`,
            `POST ${API}/instances/a-b/restart?restartWithNewInstanceId=true&${code}`,
            `DELETE ${API}/instances/a-b?${code}`,
            `GET ${API}/instances/a-b?showHistory=true&showInput=true&${code}`,
        ]);
        expect(seen[1].body).toBe('{"ok":true}');
    });

    it.each([
        ['POST', 'orchestrators/hello_orchestrator'],
        ['POST', 'instances/a/raiseEvent'],
        ['POST', 'instances/a/terminate/extra'],
        ['POST', 'instances/a/terminate?taskHub=OtherHub'],
        ['POST', 'instances/a/terminate?reason=a&reason=b'],
        ['POST', 'instances/a%2Fterminate'],
        ['POST', 'instances/a/x%2F..%2Fterminate'],
        ['POST', 'entities/counter/c1?op=add'],
        ['DELETE', 'entities/counter/c1'],
        ['GET', 'makeprimary'],
        ['GET', 'entities/counter'],
        ['PUT', 'instances/a'],
        ['HEAD', 'instances'],
        ['DELETE', 'instances/a/terminate'],
    ])("refuses %s %s, which is not one of the page's calls", async (method, path) => {
        const reply = await send(method, `${API}/${path}`);
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
        expect(seen).toEqual([]);
    });

    it('refuses actions in read-only mode and from another origin', async () => {
        const readOnly = await startProxy({
            upstream: appOrigin,
            keys: { current: async () => KEY, refresh: async () => KEY },
            allowActions: false,
            label: 'ro',
            port: 0,
            log: () => undefined,
        });
        try {
            const host = `127.0.0.1:${readOnly.port}`;
            const reply = await new Promise<number>((resolve) => {
                request(
                    {
                        host: '127.0.0.1',
                        port: readOnly.port,
                        method: 'DELETE',
                        path: `${API}/instances/a`,
                        headers: { host, origin: `http://${host}` },
                    },
                    (res) => resolve(res.statusCode ?? 0),
                ).end();
            });
            expect(reply).toBe(403);
        } finally {
            await readOnly.close();
        }
        expect((await send('DELETE', `${API}/instances/a`, { origin: 'https://attacker.example' })).status).toBe(403);
        expect(seen).toEqual([]);
    });
});

const KEY_PLACEHOLDER_FOR_TEST = 'added-by-the-dashboard-proxy';

/** Every spelling of the key a browser could turn back into it. */
function keyForms(): string[] {
    const bytes = [...Buffer.from(KEY)];
    const pct = (upper: boolean) =>
        bytes
            .map((b) => `%${b.toString(16).padStart(2, '0')}`)
            .map((e) => (upper ? e.toUpperCase() : e))
            .join('');
    return [
        KEY,
        encodeURIComponent(KEY),
        encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
        new URLSearchParams({ k: KEY }).toString().slice(2),
        JSON.stringify(KEY).slice(1, -1).replace(/\//g, '\\/'),
        KEY.replace(/\+/g, '\\u002B').replace(/\//g, '\\u002f'),
        pct(true),
        pct(false),
        encodeURIComponent(encodeURIComponent(KEY)),
        Buffer.from(KEY).toString('base64'),
        Buffer.from(KEY).toString('base64url'),
    ];
}

function expectNoKey(reply: Reply): void {
    const everything = [
        JSON.stringify(reply.headers),
        reply.body.toString('utf8'),
        reply.body.toString('latin1'),
        reply.body.toString('utf16le'),
    ];
    for (const text of everything) for (const form of keyForms()) expect(text).not.toContain(form);
    // Nor in a base64 run that decodes to text holding it.
    for (const text of everything) {
        for (const run of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
            for (let offset = 0; offset < 4; offset++)
                expect(Buffer.from(run.slice(offset), 'base64').toString('latin1')).not.toContain(KEY);
        }
    }
}

describe('answers: the key never goes back, in any encoding', () => {
    const url = (code: string) => `${appOrigin}${API}/instances/i1?taskHub=hub&connection=Storage&code=${code}`;
    const forms = keyForms();
    // Raw JSON text, as an app or the extension could write it: each string written with its own escapes.
    const json = () =>
        `{"statusQueryGetUri":"${url(encodeURIComponent(KEY))}","forms":[${forms.map((f) => JSON.stringify(`before ${f} after`)).join(',')}],` +
        `"slashes":"${url(KEY).replace(/\//g, '\\/')}","unicode":"${KEY.replace(/\+/g, '\\u002B').replace(/\//g, '\\u002F')}",` +
        `"nested":${JSON.stringify(JSON.stringify({ u: url(KEY) }))},"blob":"${Buffer.from(JSON.stringify({ next: url(KEY) })).toString('base64')}",` +
        `"${KEY}":"as a property name","html":"code=${[...KEY].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')}"}`;

    it.each([
        ['UTF-8', 'application/json; charset=utf-8', () => Buffer.from(json(), 'utf8')],
        [
            'UTF-8 with a byte order mark',
            'application/json',
            () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json())]),
        ],
        [
            'UTF-16LE with a byte order mark',
            'application/json',
            () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json(), 'utf16le')]),
        ],
        ['UTF-16LE declared', 'application/json; charset=utf-16le', () => Buffer.from(json(), 'utf16le')],
        ['UTF-16BE, no mark', 'application/json', () => Buffer.from(json(), 'utf16le').swap16()],
    ])(
        'a %s body: parsed, scrubbed and sent as UTF-8 JSON the page can still use',
        async (_name, contentType, encode) => {
            next = {
                status: 202,
                headers: {
                    'content-type': contentType,
                    location: url(encodeURIComponent(KEY)),
                    'x-ms-continuation-token': Buffer.from(JSON.stringify({ u: url(KEY) })).toString('base64'),
                },
                body: encode(),
            };
            const reply = await send('GET', `${API}/instances/i1`);
            expect(reply.status).toBe(202);
            expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
            expectNoKey(reply);
            const parsed = JSON.parse(reply.text);
            const local = `http://127.0.0.1:${proxy.port}`;
            expect(parsed.statusQueryGetUri).toBe(
                `${local}${API}/instances/i1?taskHub=hub&connection=Storage&code=${KEY_PLACEHOLDER_FOR_TEST}`,
            );
            expect(reply.headers.location).toBe(
                `${local}${API}/instances/i1?taskHub=hub&connection=Storage&code=${KEY_PLACEHOLDER_FOR_TEST}`,
            );
            expect(parsed.forms[0]).toBe(`before ${KEY_PLACEHOLDER_FOR_TEST} after`);
            expect(parsed[KEY_PLACEHOLDER_FOR_TEST]).toBe('as a property name');
        },
    );

    it('hands the page a handle for the continuation token and sends the token itself upstream', async () => {
        const token = Buffer.from(JSON.stringify({ nextPartitionKey: 'p', u: url(KEY) })).toString('base64');
        next = {
            status: 200,
            headers: { 'content-type': 'application/json', 'x-ms-continuation-token': token },
            body: '[]',
        };
        const first = await send('GET', `${API}/instances?top=1`);
        const handle = first.headers['x-ms-continuation-token'] as string;
        expect(handle).toMatch(/^dashboard-/);
        expectNoKey(first);
        await send('GET', `${API}/instances?top=1`, { 'x-ms-continuation-token': handle });
        expect(seen.at(-1)!.headers['x-ms-continuation-token']).toBe(token);
        const unknown = await send('GET', `${API}/instances?top=1`, { 'x-ms-continuation-token': 'made-up' });
        expect(unknown.status).toBe(400);
        expect(JSON.parse(unknown.text).error).toContain('reload the page');
    });

    it('removes the key under nested encodings: base64 of base64, base64 of %-encoded, UTF-16 inside base64', async () => {
        const hidden = {
            twice: Buffer.from(Buffer.from(KEY).toString('base64')).toString('base64'),
            encoded: Buffer.from(`x?code=${encodeURIComponent(KEY)}`).toString('base64url'),
            wide: Buffer.from(`{"code":"${KEY}"}`, 'utf16le').toString('base64'),
            kept: 'nothing to hide here',
        };
        next = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(hidden) };
        const reply = await send('GET', `${API}/instances/i1`);
        expectNoKey(reply);
        expect(JSON.parse(reply.text)).toEqual({
            twice: KEY_PLACEHOLDER_FOR_TEST,
            encoded: KEY_PLACEHOLDER_FOR_TEST,
            wide: KEY_PLACEHOLDER_FOR_TEST,
            kept: 'nothing to hide here',
        });
    });
});

describe('answers: only the Durable API JSON, with CSP and nosniff', () => {
    const securityHeaders = (reply: Reply) => {
        expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
        expect(reply.headers['x-content-type-options']).toBe('nosniff');
    };

    it.each([
        [
            'an HTML error page',
            503,
            'text/html; charset=utf-8',
            `<html><script>alert(1)</script>${KEY}</html>`,
            "answered HTTP 503: it answered 'text/html; charset=utf-8', not JSON",
        ],
        ['an HTML page with status 200', 200, 'text/html', '<html>site stopped</html>', "'text/html', not JSON"],
        ['text', 200, 'text/plain', '[]', "'text/plain', not JSON"],
        ['no content type', 200, undefined, '[]', 'with no content type, not JSON'],
        ['JSON that is not', 200, 'application/json', '<html>', 'not valid JSON'],
        ['another charset', 200, 'application/json; charset=iso-8859-1', '[]', "charset 'iso-8859-1'"],
        ['a redirect to a sign-in page', 302, 'text/html', '', 'a redirect'],
    ])('refuses %s with a clear 502 and none of its body', async (_name, status, contentType, body, message) => {
        next = {
            status,
            headers: { ...(contentType ? { 'content-type': contentType } : {}), location: 'https://login.example/' },
            body,
        };
        const reply = await send('GET', `${API}/instances`);
        expect(reply.status).toBe(502);
        expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(reply.headers.location).toBeUndefined();
        const error = JSON.parse(reply.text);
        expect(error).toMatchObject({ upstreamStatus: status, error: expect.stringContaining(message) });
        expect(reply.text).not.toContain('<');
        securityHeaders(reply);
        expectNoKey(reply);
    });

    it('sends CSP and nosniff with the API answers, its own refusals and the page', async () => {
        securityHeaders(await send('GET', `${API}/instances`));
        securityHeaders(await send('DELETE', `${API}/instances`));
        securityHeaders(await send('GET', '/nothing-here'));
        next = { status: 202, body: '' };
        const empty = await send('POST', `${API}/instances/a/terminate`);
        expect(empty.status).toBe(202);
        expect(empty.body.length).toBe(0);
        securityHeaders(empty);
        securityHeaders(await send('GET', `${API}/dashboard/`));
    });
});
