import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, smokeOptions } from '../../tools/smoke/cli';
import { retryAfterMs } from '../../infra/deployment/retryAfter';
import { redact, runSmoke, type SmokeOptions } from '../../tools/smoke/smoke';
import { readSmokeSpec, starterUrlFor } from '../../tools/smoke/spec';

const EXPECTED_OUTPUT = { reservation: { reserved: 2 }, receipt: 'charged o-1' };
const WORKFLOW_APP = path.join(__dirname, '..', 'apps', 'workflow');

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

const STARTER = 'https://app.example.net/v1/workflows/processOrder?code=FUNCTION-KEY';
const STATUS = 'https://app.example.net/runtime/webhooks/durabletask/instances/abc?taskHub=h&code=SYSTEM-KEY';
const accepted: Reply = {
    status: 202,
    body: { id: 'abc', statusQueryGetUri: STATUS },
    headers: { 'retry-after': '10' },
};
const running: Reply = {
    status: 202,
    body: { runtimeStatus: 'Running', output: null },
    headers: { 'retry-after': '2' },
};
const done = (output: unknown, runtimeStatus = 'Completed'): Reply => ({
    status: 200,
    body: { runtimeStatus, output },
});

/** A scripted server and a clock that only moves when the smoke test sleeps. */
function harness(replies: Reply[], overrides: Partial<SmokeOptions> = {}) {
    let clock = 0;
    const sleeps: number[] = [];
    const calls: { method: string; url: string; body?: unknown }[] = [];
    const lines: string[] = [];
    const deps = {
        now: () => clock,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            clock += ms;
        },
        log: (line: string) => lines.push(line),
        fetch: (async (url: string, init: RequestInit) => {
            calls.push({ method: String(init.method), url, body: init.body });
            const reply = replies.length > 1 ? replies.shift()! : replies[0];
            if (reply instanceof Error) throw reply;
            return new Response(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? ''), {
                status: reply.status,
                headers: reply.headers,
            });
        }) as unknown as typeof fetch,
    };
    const options: SmokeOptions = {
        starterUrl: STARTER,
        expected: EXPECTED_OUTPUT,
        timeoutMs: 60_000,
        maxIntervalMs: 5000,
        maxPolls: 50,
        ...overrides,
    };
    return { run: () => runSmoke(options, deps), sleeps, calls, lines };
}

describe('smoke logic', () => {
    it('passes on the expected output, posting to the starter and polling statusQueryGetUri', async () => {
        const h = harness([accepted, running, running, done(EXPECTED_OUTPUT)]);
        const result = await h.run();
        expect(result).toMatchObject({ ok: true, instanceId: 'abc', polls: 3 });
        expect(h.calls.map((c) => c.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
        expect(h.calls[0].url).toBe(STARTER);
        expect(h.calls[1].url).toBe(STATUS);
        // Retry-After 10 s is capped at the 5 s interval, Retry-After 2 s is honoured.
        expect(h.sleeps).toEqual([5000, 2000, 2000]);
    });

    it('fails on a different output and shows the last status JSON', async () => {
        const result = await harness([accepted, done(['Hello Paris'])]).run();
        expect(result.ok).toBe(false);
        expect(result.message).toContain(`completed with ["Hello Paris"], expected ${JSON.stringify(EXPECTED_OUTPUT)}`);
        expect(result.message).toContain('"runtimeStatus": "Completed"');
    });

    it('fails at once when the orchestration ends Failed', async () => {
        const result = await harness([accepted, done('boom', 'Failed')]).run();
        expect(result).toMatchObject({ ok: false, polls: 1 });
        expect(result.message).toMatch(/ended Failed[\s\S]*"output": "boom"/);
    });

    it('reports a non-202 start with its HTTP status and body', async () => {
        const result = await harness([{ status: 404, body: { error: "No orchestrator named 'x'" } }]).run();
        expect(result.ok).toBe(false);
        expect(result.message).toContain('answered HTTP 404, expected 202');
        expect(result.message).toContain("No orchestrator named 'x'");
    });

    it('explains a 401 as a missing function key', async () => {
        const result = await harness([{ status: 401, body: '' }]).run();
        expect(result.message).toContain('needs its function key: set STARTER_KEY');
    });

    it('sends the input as the JSON body, and no body without one', async () => {
        const withInput = harness([accepted, done(EXPECTED_OUTPUT)], { input: { id: 'o-1', items: 2 } });
        await withInput.run();
        expect(withInput.calls[0]).toMatchObject({ method: 'POST', body: '{"id":"o-1","items":2}' });
        const without = harness([accepted, done(EXPECTED_OUTPUT)]);
        await without.run();
        expect(without.calls[0].body).toBeUndefined();
    });

    it('stops at the overall timeout with the last status', async () => {
        const h = harness([accepted, running], { timeoutMs: 9000 });
        const result = await h.run();
        expect(result.ok).toBe(false);
        expect(result.message).toContain('did not complete within the 9 s timeout');
        expect(result.message).toContain('last status (HTTP 202)');
        expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(9000);
    });

    it('stops after the maximum number of polls', async () => {
        const h = harness([accepted, running], { maxPolls: 4 });
        const result = await h.run();
        expect(result).toMatchObject({ ok: false, polls: 4 });
        expect(result.message).toContain('within 4 polls');
    });

    it('keeps polling through transient errors and 5xx, but not through repeated 404s', async () => {
        const flaky = await harness([
            accepted,
            new Error('socket hang up'),
            { status: 503, body: 'warming up' },
            done(EXPECTED_OUTPUT),
        ]).run();
        expect(flaky).toMatchObject({ ok: true, polls: 3 });
        const gone = await harness([accepted, { status: 404, body: '' }]).run();
        expect(gone).toMatchObject({ ok: false, polls: 3 });
        expect(gone.message).toContain('404 3 times in a row');
    });

    it('sends the start again on a 5xx, a connection error or a timeout (a cold start), waiting 1 s, 2 s, 4 s', async () => {
        const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
        const h = harness([
            { status: 503, body: 'Service Unavailable' },
            new Error('fetch failed'),
            timeout,
            { status: 502, body: '' },
            accepted,
            done(EXPECTED_OUTPUT),
        ]);
        const result = await h.run();
        expect(result).toMatchObject({ ok: true, polls: 1 });
        expect(h.calls.map((c) => c.method)).toEqual(['POST', 'POST', 'POST', 'POST', 'POST', 'GET']);
        expect(h.sleeps.slice(0, 4)).toEqual([1000, 2000, 4000, 5000]);
        expect(h.lines).toContain('smoke: start attempt 1 failed (HTTP 503 Service Unavailable); retrying in 1000 ms');
        expect(h.lines).toContain('smoke: start attempt 2 failed (fetch failed); retrying in 2000 ms');
    });

    it('does not send the start again on a 4xx', async () => {
        const h = harness([{ status: 400, body: { error: 'Request body is not valid JSON' } }, accepted]);
        const result = await h.run();
        expect(result.message).toContain('answered HTTP 400, expected 202');
        expect(h.calls).toHaveLength(1);
    });

    it('stops sending the start at the overall deadline, with the attempts and the last failure', async () => {
        const h = harness([{ status: 503, body: 'Service Unavailable' }], { timeoutMs: 10_000 });
        const result = await h.run();
        expect(result.ok).toBe(false);
        expect(result.message).toContain(
            'did not answer within the 10 s deadline (4 attempt(s); last: HTTP 503 Service Unavailable)',
        );
        expect(h.sleeps).toEqual([1000, 2000, 4000]);
    });

    it('never prints a function key', async () => {
        const h = harness([accepted, done(['nope'])]);
        const result = await h.run();
        const printed = [...h.lines, result.message].join('\n');
        expect(printed).not.toMatch(/FUNCTION-KEY|SYSTEM-KEY/);
        expect(printed).toContain('code=***');
    });
});

describe('smoke helpers', () => {
    it('reads Retry-After as the deploy client does (seconds, an HTTP date, the -ms headers)', () => {
        const now = () => 4000;
        expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
        expect(retryAfterMs(new Headers(), now)).toBeUndefined();
        expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 1970 00:00:10 GMT' }), now)).toBe(6000);
        expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' }), now)).toBe(250);
        expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
        expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500);
        expect(retryAfterMs(new Headers({ 'retry-after': 'in 2 s' }), now)).toBeUndefined();
    });

    it('redacts code in query strings and JSON bodies', () => {
        expect(redact('https://h/x?a=1&code=k1==&b=2')).toBe('https://h/x?a=1&code=***&b=2');
        expect(redact('{"u":"https://h/y?code=abc"}')).toBe('{"u":"https://h/y?code=***"}');
    });

    it('parses flags and rejects bad input with a clear message', () => {
        expect(
            parseArgs(
                ['http://localhost:7071/api', '--timeout', '20', '--interval=0.5', '--route', 'go/{functionName}'],
                {},
                '/repo',
            ),
        ).toEqual({
            apiBaseUrl: 'http://localhost:7071/api',
            route: 'go/{functionName}',
            appDir: path.join('/repo', 'app'),
            timeoutMs: 20_000,
            maxIntervalMs: 500,
            maxPolls: 200,
        });
        expect(() => parseArgs([])).toThrow('the API base URL is missing');
        expect(parseArgs(['--timeout', '1'], { API_BASE_URL: 'https://h/api' }).apiBaseUrl).toBe('https://h/api');
        expect(() => parseArgs(['https://h/api?code=k'])).toThrow('takes no query: pass the key as STARTER_KEY');
        expect(() => parseArgs(['http://h/api', '--route'])).toThrow('--route needs a value');
        expect(() => parseArgs(['localhost:7071/x'])).toThrow(/must be http/);
        expect(() => parseArgs(['http://h/x', '--timeout', 'soon'])).toThrow(
            "--timeout needs a positive number, got 'soon'",
        );
        expect(() => parseArgs(['http://h/x', '--verbose'])).toThrow('unknown option --verbose');
    });
});

describe("the app's smoke check", () => {
    const args = {
        apiBaseUrl: 'https://app.example.net/v1',
        appDir: WORKFLOW_APP,
        timeoutMs: 1000,
        maxIntervalMs: 100,
        maxPolls: 5,
    };

    it("starts the app's smoke.json orchestrator with its input at the starter's route, read from the app's functions unless given", () => {
        expect(smokeOptions(args, 'k+1')).toEqual({
            ...{ timeoutMs: 1000, maxIntervalMs: 100, maxPolls: 5 },
            starterUrl: 'https://app.example.net/v1/workflows/processOrder?code=k%2B1',
            input: { id: 'o-1', items: 2 },
            expected: { reservation: { reserved: 2, id: 'o-1' }, receipt: 'charged o-1' },
        });
        expect(smokeOptions({ ...args, route: 'orchestrators/{functionName}' }).starterUrl).toBe(
            'https://app.example.net/v1/orchestrators/processOrder',
        );
    });

    it('fills {functionName} (with a constraint too), drops an optional {instanceId?}, and refuses a route without it', () => {
        expect(starterUrlFor('http://h/api/', 'orchestrators/{functionName:alpha}/{instanceId?}', 'a b')).toBe(
            'http://h/api/orchestrators/a%20b',
        );
        expect(() => starterUrlFor('http://h/api', 'start/{id}', 'x')).toThrow(
            "The starter route 'start/{id}' must take the orchestrator as {functionName}",
        );
    });

    it('says what to write when smoke.json is missing or wrong', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-spec-'));
        try {
            expect(() => readSmokeSpec(dir)).toThrow(/smoke.json not found: the smoke check needs \{ "orchestrator"/);
            fs.writeFileSync(path.join(dir, 'smoke.json'), '{ "orchestrator": "", "expected": 1 }');
            expect(() => readSmokeSpec(dir)).toThrow(
                '"orchestrator" must name the orchestrator to start; "expectedOutput" must give the output it completes with; unknown key(s) expected',
            );
            fs.writeFileSync(path.join(dir, 'smoke.json'), '{ "orchestrator": "a", "expectedOutput": null }');
            expect(readSmokeSpec(dir)).toEqual({ orchestrator: 'a', expectedOutput: null });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
