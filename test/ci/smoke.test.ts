import { parseArgs } from '../../tools/smoke/cli';
import { EXPECTED_OUTPUT, redact, retryAfterMs, runSmoke, type SmokeOptions } from '../../tools/smoke/smoke';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

const STARTER = 'https://app.example.net/api/orchestrators/hello_orchestrator?code=FUNCTION-KEY';
const STATUS = 'https://app.example.net/runtime/webhooks/durabletask/instances/abc?taskHub=h&code=SYSTEM-KEY';
const accepted: Reply = { status: 202, body: { id: 'abc', statusQueryGetUri: STATUS }, headers: { 'retry-after': '10' } };
const running: Reply = { status: 202, body: { runtimeStatus: 'Running', output: null }, headers: { 'retry-after': '2' } };
const done = (output: unknown, runtimeStatus = 'Completed'): Reply => ({ status: 200, body: { runtimeStatus, output } });

/** A scripted server and a clock that only moves when the smoke test sleeps. */
function harness(replies: Reply[], overrides: Partial<SmokeOptions> = {}) {
    let clock = 0;
    const sleeps: number[] = [];
    const calls: { method: string; url: string }[] = [];
    const lines: string[] = [];
    const deps = {
        now: () => clock,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            clock += ms;
        },
        log: (line: string) => lines.push(line),
        fetch: (async (url: string, init: RequestInit) => {
            calls.push({ method: String(init.method), url });
            const reply = replies.length > 1 ? replies.shift()! : replies[0];
            if (reply instanceof Error) throw reply;
            return new Response(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? ''), {
                status: reply.status,
                headers: reply.headers,
            });
        }) as unknown as typeof fetch,
    };
    const options = { starterUrl: STARTER, timeoutMs: 60_000, maxIntervalMs: 5000, maxPolls: 50, ...overrides };
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
        expect(result.message).toContain('completed with ["Hello Paris"], expected ["Hello Seattle","Hello Tokyo","Hello London"]');
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
        expect(result.message).toContain('needs a function key');
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
        const flaky = await harness([accepted, new Error('socket hang up'), { status: 503, body: 'warming up' }, done(EXPECTED_OUTPUT)]).run();
        expect(flaky).toMatchObject({ ok: true, polls: 3 });
        const gone = await harness([accepted, { status: 404, body: '' }]).run();
        expect(gone).toMatchObject({ ok: false, polls: 3 });
        expect(gone.message).toContain('404 3 times in a row');
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
    it('reads Retry-After as seconds or an HTTP date', () => {
        expect(retryAfterMs('3', 0)).toBe(3000);
        expect(retryAfterMs(null, 0)).toBeUndefined();
        expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
        expect(retryAfterMs('soon', 0)).toBeUndefined();
    });

    it('redacts code in query strings and JSON bodies', () => {
        expect(redact('https://h/x?a=1&code=k1==&b=2')).toBe('https://h/x?a=1&code=***&b=2');
        expect(redact('{"u":"https://h/y?code=abc"}')).toBe('{"u":"https://h/y?code=***"}');
    });

    it('parses flags and rejects bad input with a clear message', () => {
        expect(parseArgs(['http://localhost:7071/api/orchestrators/hello_orchestrator', '--timeout', '20', '--interval=0.5'])).toEqual({
            starterUrl: 'http://localhost:7071/api/orchestrators/hello_orchestrator',
            timeoutMs: 20_000,
            maxIntervalMs: 500,
            maxPolls: 200,
        });
        expect(() => parseArgs([])).toThrow('the starter URL is missing');
        expect(parseArgs(['--timeout', '1'], { STARTER_URL: 'https://h/api/x?code=k' }).starterUrl).toBe('https://h/api/x?code=k');
        expect(() => parseArgs(['localhost:7071/x'])).toThrow(/must be http/);
        expect(() => parseArgs(['http://h/x', '--timeout', 'soon'])).toThrow("--timeout needs a positive number, got 'soon'");
        expect(() => parseArgs(['http://h/x', '--verbose'])).toThrow('unknown option --verbose');
    });
});
