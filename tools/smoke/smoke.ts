/**
 * The smoke test's logic: start the app's smoke orchestration (app/smoke.json) through its HTTP
 * starter, follow `statusQueryGetUri` until the instance finishes, and check its output. Network,
 * clock and sleep are injected so every branch (start retries, Retry-After, timeout, poll limit) runs
 * in tests without waiting.
 */
import { retryAfterMs } from '../../infra/deployment/retryAfter';
import { redactQuerySecrets } from '../cli/redact';

export interface SmokeOptions {
    /** The starter URL for the orchestrator, with its key as `code=` when it needs one. */
    starterUrl: string;
    /** The orchestration input, sent as the JSON body; undefined: no body. */
    input?: unknown;
    /** The output the instance must complete with. */
    expected: unknown;
    /** Overall deadline for start + polling. */
    timeoutMs: number;
    /** Upper bound of one wait between polls, whatever `Retry-After` says. */
    maxIntervalMs: number;
    maxPolls: number;
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
/** First wait before the start is sent again; doubles up to the poll interval's bound. */
const FIRST_START_RETRY_MS = 1000;

/** Hides function keys (`code=...`) wherever a URL or a body may carry one: the commands' shared redaction. */
export const redact = redactQuerySecrets;

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
    const expected = options.expected;
    const deadline = deps.now() + options.timeoutMs;
    const remaining = () => deadline - deps.now();
    const request = (url: string, method: string, body?: string) =>
        deps.fetch(url, {
            method,
            headers: {
                accept: 'application/json',
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body,
            signal: AbortSignal.timeout(Math.max(1, Math.min(remaining(), MAX_REQUEST_MS))),
        });
    const fail = (message: string, extra: Partial<SmokeResult> = {}): SmokeResult => ({
        ok: false,
        message,
        polls: 0,
        ...extra,
    });

    const shownStarter = redact(options.starterUrl);
    const body = options.input === undefined ? undefined : JSON.stringify(options.input);
    deps.log(`smoke: POST ${shownStarter}`);
    const started = await startWithRetries(() => request(options.starterUrl, 'POST', body), {
        ...deps,
        remaining,
        maxWaitMs: options.maxIntervalMs,
    });
    if (!started.ok) {
        return fail(
            `the starter ${shownStarter} did not answer within the ${options.timeoutMs / 1000} s deadline (${started.attempts} attempt(s); last: ${started.last}).`,
        );
    }
    const start = started.response;
    const startBody = await readBody(start);
    if (start.status !== 202) {
        const hint =
            start.status === 401 || start.status === 403
                ? ' The starter needs its function key: set STARTER_KEY (the stack output starterKey).'
                : start.status === 404
                  ? ' Check the API base URL and the starter route, that the app is deployed, and that app/smoke.json names one of its orchestrators.'
                  : '';
        return fail(
            `the starter ${shownStarter} answered HTTP ${start.status}, expected 202.${hint}\nbody: ${describe(startBody)}`,
        );
    }
    const management = startBody as { id?: string; statusQueryGetUri?: string };
    const statusUrl = management.statusQueryGetUri ?? start.headers.get('location');
    if (!statusUrl) {
        return fail(`the starter answered 202 without statusQueryGetUri or Location.\nbody: ${describe(startBody)}`);
    }
    const instanceId = management.id;
    deps.log(`smoke: started instance ${instanceId ?? '(no id)'}; polling ${redact(statusUrl)}`);

    let wait = retryAfterMs(start.headers, deps.now) ?? DEFAULT_WAIT_MS;
    let lastStatus: unknown;
    let lastHttp = 'none';
    let notFound = 0;
    let polls = 0;
    const result = (ok: boolean, message: string) => ({ ok, message, instanceId, lastStatus, polls });
    const withLast = (reason: string) =>
        `${reason}\nlast status (HTTP ${lastHttp}): ${describe(lastStatus ?? '(none)')}`;

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
        wait = retryAfterMs(response.headers, deps.now) ?? DEFAULT_WAIT_MS;
        notFound = response.status === 404 ? notFound + 1 : 0;
        if (notFound >= MAX_CONSECUTIVE_NOT_FOUND) {
            return result(
                false,
                withLast(
                    `the status URL answered 404 ${notFound} times in a row: the instance is unknown to the host.`,
                ),
            );
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
                withLast(
                    `instance ${instanceId} completed with ${JSON.stringify(status.output)}, expected ${JSON.stringify(expected)}.`,
                ),
            );
        }
        return result(
            true,
            `instance ${instanceId} completed with ${JSON.stringify(status.output)} after ${polls} poll(s).`,
        );
    }
    const why = polls >= options.maxPolls ? `${options.maxPolls} polls` : `the ${options.timeoutMs / 1000} s timeout`;
    return result(false, withLast(`instance ${instanceId} did not complete within ${why}.`));
}

type StartAttempt = { ok: true; response: Response } | { ok: false; attempts: number; last: string };

/**
 * Sends the start until it gets an answer that is not a 5xx. Right after a deployment a cold app can
 * answer 502/503 or not at all for a while (the instance is still starting): a connection error, a
 * timeout or a 5xx is sent again, after 1 s, 2 s, 4 s ... (at most `maxWaitMs`), within the overall
 * deadline. A retried POST can start a second instance if the first answer was lost: harmless for a check.
 */
async function startWithRetries(
    send: () => Promise<Response>,
    deps: SmokeDeps & { remaining: () => number; maxWaitMs: number },
): Promise<StartAttempt> {
    let wait = FIRST_START_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
        let last: string;
        try {
            const response = await send();
            if (response.status < 500) return { ok: true, response };
            last = `HTTP ${response.status} ${describe(await readBody(response)).slice(0, 300)}`;
        } catch (err) {
            last = (err as Error).message;
        }
        const pause = Math.min(wait, deps.maxWaitMs);
        if (deps.remaining() <= pause) return { ok: false, attempts: attempt, last };
        deps.log(`smoke: start attempt ${attempt} failed (${last}); retrying in ${pause} ms`);
        await deps.sleep(pause);
        wait *= 2;
    }
}
