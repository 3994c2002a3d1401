/** Seeded generator of hostile HTTP requests against the starter and the Durable HTTP API. */

export interface HostileRequest {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: Buffer;
    /** What the request tries, for failure messages. */
    label: string;
}

/** mulberry32: small, fast, good enough to vary inputs reproducibly. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND', 'TRACE'];
const WEBHOOKS = '/runtime/webhooks/durabletask';
const ACTIONS = [
    'terminate',
    'suspend',
    'resume',
    'rewind',
    'restart',
    'raiseEvent/approval',
    'raiseEvent/',
    'raiseEvent/%00',
];

export function generateRequests(count: number, seed: number): HostileRequest[] {
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const text = (length: number) =>
        Array.from({ length }, () =>
            String.fromCodePoint(pick([0x41 + Math.floor(random() * 26), 0xe9, 0x1f642, 0x4e2d, 0x202e, 0x7f, 0x20])),
        ).join('');
    const id = () =>
        pick([
            Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join(''),
            'not-an-instance',
            '@counter@missing',
            encodeURIComponent(text(12)),
            '..%2F..%2Fetc%2Fpasswd',
            'a'.repeat(2000),
            '%E0%A4%A',
            // What Azure's DurableClient refuses: a leading @, / \ # ? (encoded), control characters, more than 256
            // characters.
            '@x',
            'a%2Fb',
            'a%5Cb',
            'a%23b',
            'a%3Fb',
            'a%00b',
            'a%C2%9Fb',
            'b'.repeat(257),
            'order%2042%40contoso',
            'Abc',
            'abc',
        ]);
    const entityKey = () =>
        pick([
            'k',
            'a%2Fb',
            'a%23b',
            'a%07b',
            '%24',
            'k'.repeat(200),
            encodeURIComponent(text(8)),
            '..%2F..%2Fsecrets',
        ]);
    const paths = [
        () =>
            `/api/orchestrators/${pick(['hello_orchestrator', 'hello', 'nope', encodeURIComponent(text(8)), '..%2Fhello_orchestrator', '%zz', ''])}`,
        () =>
            `/api/${pick(['', 'orchestrators', 'hello', '../../etc/passwd', '%2e%2e/%2e%2e/etc/passwd', 'http_start', 'x'.repeat(6000)])}`,
        () => `${WEBHOOKS}/instances/${id()}`,
        () => `${WEBHOOKS}/instances/${id()}/${pick(ACTIONS)}?reason=${encodeURIComponent(text(6))}`,
        () =>
            `${WEBHOOKS}/instances?${pick(['runtimeStatus=Bogus', 'top=-1', 'top=abc', 'createdTimeFrom=yesterday', 'continuationToken=%FF', 'showInput=maybe', ''])}`,
        () =>
            `${WEBHOOKS}/orchestrators/${pick(['hello_orchestrator', 'nope', encodeURIComponent(text(5))])}${pick(['', '/', '/%00'])}`,
        () =>
            `${WEBHOOKS}/${pick(['', 'entities/counter/x', 'entities/', '../../../', 'instances/', `instances/${id()}/raiseEvent/${'e'.repeat(300)}`])}`,
        () => `${WEBHOOKS}/orchestrators/hello_orchestrator/${id()}${pick(['', '?timeout=1&pollingInterval=1'])}`,
        () => `${WEBHOOKS}/entities/${pick(['counter', 'nope', ''])}/${entityKey()}${pick(['', '?op=add', '?op=%00'])}`,
        () =>
            pick([
                '/',
                '//api//orchestrators//hello_orchestrator',
                '/favicon.ico',
                '/admin/functions',
                '/%',
                `/${'a/'.repeat(3000)}`,
            ]),
    ];
    const bodies: (() => { body?: Buffer; type?: string; what: string })[] = [
        () => ({ what: 'no body' }),
        () => ({ body: Buffer.from(JSON.stringify({ city: text(10) })), type: 'application/json', what: 'valid JSON' }),
        () => ({
            body: Buffer.from(
                pick([
                    '{"a":',
                    '[1,2',
                    '{"a":1}}',
                    'nul',
                    '"unterminated',
                    '\u0000\u0001',
                    '{"__proto__":{"polluted":true}}',
                ]),
            ),
            type: 'application/json',
            what: 'malformed JSON',
        }),
        () => ({
            body: Buffer.alloc(1024 * 1024 + 17, '['),
            type: 'application/json',
            what: 'huge (>1 MB) nested JSON',
        }),
        () => ({
            body: Buffer.from(JSON.stringify({ s: 'x'.repeat(1024 * 1024 + 5) })),
            type: 'application/json',
            what: 'huge (>1 MB) valid JSON',
        }),
        () => ({
            body: Buffer.from('['.repeat(20000) + ']'.repeat(20000)),
            type: 'application/json',
            what: 'deeply nested JSON',
        }),
        () => ({
            body: Buffer.from(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`),
            type: 'application/json',
            what: "JSON nested 65 levels (one past Azure's MaxDepth)",
        }),
        () => ({
            body: Buffer.from(Array.from({ length: 512 }, () => Math.floor(random() * 256))),
            type: pick([
                'application/octet-stream',
                'text/plain',
                'multipart/form-data; boundary=x',
                'application/json; charset=utf-16',
            ]),
            what: 'random bytes',
        }),
    ];
    const headerSets: (() => Record<string, string>)[] = [
        () => ({}),
        () => ({ 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'gopher', 'x-original-url': '/admin' }),
        () => ({ accept: pick(['*/*', 'text/html', 'application/xml', '']), 'accept-encoding': 'gzip, br' }),
        () => ({ 'x-long': 'v'.repeat(8000) }),
        () => ({ 'content-encoding': 'gzip' }),
        () => ({ cookie: `a=${text(20).replace(/[^\x21-\x7e]/g, '')}`, 'x-functions-key': 'wrong' }),
    ];
    return Array.from({ length: count }, (_, i) => {
        const method = pick(METHODS);
        const path = pick(paths)();
        const { body, type, what } = pick(bodies)();
        const headers = { ...pick(headerSets)(), ...(type ? { 'content-type': type } : {}) };
        const sendBody = body && !['GET', 'HEAD', 'TRACE'].includes(method) ? body : undefined;
        return {
            method,
            path,
            headers,
            body: sendBody,
            label: `#${i} ${method} ${path.slice(0, 120)} (${sendBody ? what : 'no body'})`,
        };
    });
}

/** What Azure's Durable client refuses, each once, with the status Azure answers (400). */
export function azureRefusals(): (HostileRequest & { expected: number })[] {
    const json = (text: string) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(text) });
    const start = (id: string) => `${WEBHOOKS}/orchestrators/hello_orchestrator/${id}`;
    const cases: [string, string, string, { headers: Record<string, string>; body?: Buffer }][] = [
        ...['@x', 'a%2Fb', 'a%5Cb', 'a%23b', 'a%3Fb', 'a%00b', 'a%C2%9Fb', 'b'.repeat(257)].map(
            (id): [string, string, string, { headers: Record<string, string> }] => [
                'POST',
                start(id),
                `instance id ${id.slice(0, 20)}`,
                { headers: {} },
            ],
        ),
        ['POST', start('deep-input'), 'start input nested 65 levels', json('['.repeat(65) + ']'.repeat(65))],
        [
            'POST',
            `${WEBHOOKS}/entities/counter/k?op=add`,
            'entity input nested 65 levels',
            json('['.repeat(65) + ']'.repeat(65)),
        ],
        ...['a%2Fb', 'a%23b', 'a%07b'].map((key): [string, string, string, { headers: Record<string, string> }] => [
            'POST',
            `${WEBHOOKS}/entities/counter/${key}?op=add`,
            `entity key ${key}`,
            { headers: {} },
        ]),
        ['GET', `${WEBHOOKS}/entities//k`, 'entity without a name', { headers: {} }],
    ];
    return cases.map(([method, path, what, { headers, body }]) => ({
        method,
        path,
        headers,
        body,
        label: `Azure refuses: ${what}`,
        expected: 400,
    }));
}
