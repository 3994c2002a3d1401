/**
 * The smoke test's logic: start `hello_orchestrator` through its HTTP starter, follow
 * `statusQueryGetUri` until the instance finishes, and check its output. Network, clock and sleep
 * are injected so every branch (Retry-After, timeout, poll limit) runs in tests without waiting.
 */

export const EXPECTED_OUTPUT = ['Hello Seattle', 'Hello Tokyo', 'Hello London'];

export interface SmokeOptions {
    starterUrl: string;
    /** Overall deadline for start + polling. */
    timeoutMs: number;
    /** Upper bound of one wait between polls, whatever `Retry-After` says. */
    maxIntervalMs: number;
    maxPolls: number;
    expected?: unknown;
}

export interface SmokeDeps {
    fetch: typeof globalThis.fetch;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    log: (line: string) => void;
}

export interface SmokeResult {
    ok: boolean;
    message: string;
    instanceId?: string;
    lastStatus?: unknown;
    polls: number;
}

/** Statuses at which polling stops: the orchestration will not produce output any more. */
const FINAL_STATUSES = ['Completed', 'Failed', 'Terminated', 'Canceled'];
const DEFAULT_WAIT_MS = 1000;
/** Keeps a `Retry-After: 0` from turning polling into a busy loop. */
const MIN_WAIT_MS = 100;
/** A status URL that keeps answering 404 points at the wrong task hub or a purged instance. */
const MAX_CONSECUTIVE_NOT_FOUND = 3;
const MAX_REQUEST_MS = 30_000;

/** Hides function keys (`code=...`) wherever a URL or a body may carry one. */
export function redact(text: string): string {
    return text.replace(/([?&](?:amp;)?code=)[^&"'\s<>]+/gi, '$1***');
}

/** `Retry-After` in seconds (the Durable host sends seconds; an HTTP date is also allowed). */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
    if (header === null || header.trim() === '') return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function describe(value: unknown): string {
    return redact(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

async function readBody(response: Response): Promise<unknown> {
    const text = await response.text();
    try {
        return text === '' ? '' : JSON.parse(text);
    } catch {
        return text.slice(0, 2000);
    }
}

function sameJson(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export async function runSmoke(options: SmokeOptions, deps: SmokeDeps): Promise<SmokeResult> {
    const expected = options.expected ?? EXPECTED_OUTPUT;
    const deadline = deps.now() + options.timeoutMs;
    const remaining = () => deadline - deps.now();
    const request = (url: string, method: string) =>
        deps.fetch(url, {
            method,
            headers: { accept: 'application/json' },
            signal: AbortSignal.timeout(Math.max(1, Math.min(remaining(), MAX_REQUEST_MS))),
        });
    const fail = (message: string, extra: Partial<SmokeResult> = {}): SmokeResult => ({ ok: false, message, polls: 0, ...extra });

    const shownStarter = redact(options.starterUrl);
    deps.log(`smoke: POST ${shownStarter}`);
    let start: Response;
    try {
        start = await request(options.starterUrl, 'POST');
    } catch (err) {
        return fail(`the starter ${shownStarter} did not answer: ${(err as Error).message}`);
    }
    const startBody = await readBody(start);
    if (start.status !== 202) {
        const hint =
            start.status === 401 || start.status === 403
                ? ' The starter needs a function key: pass the URL with its ?code=... (the stack output starterUrl has it).'
                : start.status === 404
                  ? ' Check the host name and the route /api/orchestrators/hello_orchestrator, and that the app is deployed.'
                  : '';
        return fail(`the starter ${shownStarter} answered HTTP ${start.status}, expected 202.${hint}\nbody: ${describe(startBody)}`);
    }
    const management = startBody as { id?: string; statusQueryGetUri?: string };
    const statusUrl = management.statusQueryGetUri ?? start.headers.get('location');
    if (!statusUrl) {
        return fail(`the starter answered 202 without statusQueryGetUri or Location.\nbody: ${describe(startBody)}`);
    }
    const instanceId = management.id;
    deps.log(`smoke: started instance ${instanceId ?? '(no id)'}; polling ${redact(statusUrl)}`);

    let wait = retryAfterMs(start.headers.get('retry-after'), deps.now()) ?? DEFAULT_WAIT_MS;
    let lastStatus: unknown;
    let lastHttp = 'none';
    let notFound = 0;
    let polls = 0;
    const result = (ok: boolean, message: string) => ({ ok, message, instanceId, lastStatus, polls });
    const withLast = (reason: string) => `${reason}\nlast status (HTTP ${lastHttp}): ${describe(lastStatus ?? '(none)')}`;

    while (polls < options.maxPolls) {
        const pause = Math.min(Math.max(wait, MIN_WAIT_MS), options.maxIntervalMs, remaining());
        if (pause > 0) await deps.sleep(pause);
        if (remaining() <= 0) break;
        polls++;
        let response: Response;
        try {
            response = await request(statusUrl, 'GET');
        } catch (err) {
            lastHttp = `error: ${(err as Error).message}`;
            wait = DEFAULT_WAIT_MS;
            continue;
        }
        lastHttp = String(response.status);
        lastStatus = await readBody(response);
        wait = retryAfterMs(response.headers.get('retry-after'), deps.now()) ?? DEFAULT_WAIT_MS;
        notFound = response.status === 404 ? notFound + 1 : 0;
        if (notFound >= MAX_CONSECUTIVE_NOT_FOUND) {
            return result(false, withLast(`the status URL answered 404 ${notFound} times in a row: the instance is unknown to the host.`));
        }
        const status = lastStatus as { runtimeStatus?: string; output?: unknown };
        if (response.status !== 200 || !FINAL_STATUSES.includes(status?.runtimeStatus ?? '')) {
            continue;
        }
        if (status.runtimeStatus !== 'Completed') {
            return result(false, withLast(`instance ${instanceId} ended ${status.runtimeStatus}.`));
        }
        if (!sameJson(status.output, expected)) {
            return result(
                false,
                withLast(`instance ${instanceId} completed with ${JSON.stringify(status.output)}, expected ${JSON.stringify(expected)}.`),
            );
        }
        return result(true, `instance ${instanceId} completed with ${JSON.stringify(status.output)} after ${polls} poll(s).`);
    }
    const why = polls >= options.maxPolls ? `${options.maxPolls} polls` : `the ${options.timeoutMs / 1000} s timeout`;
    return result(false, withLast(`instance ${instanceId} did not complete within ${why}.`));
}
