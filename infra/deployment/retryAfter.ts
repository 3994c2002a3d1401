/**
 * How long a server asks us to wait, and what we do with it; as Microsoft's Azure SDK cores do:
 * - `retry-after-ms` and `x-ms-retry-after-ms` (milliseconds) first, then `Retry-After` as seconds (any number,
 *   `1.5` too) or an HTTP-date, a date in the past meaning "now" (Azure/azure-sdk-for-js
 *   sdk/core/core-rest-pipeline/src/retryStrategies/throttlingRetryStrategy.ts, getRetryAfterInMs, with
 *   util/helpers.ts parseHeaderValueAsNumber; the installed copy is @typespec/ts-http-runtime's);
 * - a delay beyond the client's cap (60 s by default) is not shortened and not waited for: the request is not
 *   retried and its answer is the outcome (Azure/azure-sdk-for-go sdk/azcore/runtime/policy_retry.go: "the
 *   retry-after delay exceeds the the cap so don't retry"; setDefaults: "the default MaxRetryDelay is 60 seconds").
 * An HTTP-date is measured against the response's own `Date` when it has one (RFC 9110 §10.2.3: the time to wait
 * after the response was sent), so a skewed local clock does not change the wait.
 */

/** A header's value as a number, as the SDK's parseHeaderValueAsNumber reads it (`Number(value)`: decimals too). */
function numberIn(headers: Headers, name: string): number | undefined {
    const value = headers.get(name)?.trim();
    if (!value) return undefined;
    const number = Number(value);
    return Number.isFinite(number) ? Math.max(0, number) : undefined;
}

/**
 * The delay in ms the answer asks for; undefined when it names none (or one that cannot be read). A number is
 * never read as a date (`Date.parse('1.5')` is a day in 2001).
 */
export function retryAfterMs(headers: Headers, now: () => number): number | undefined {
    for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
        const ms = numberIn(headers, name);
        if (ms !== undefined) return ms;
    }
    const seconds = numberIn(headers, 'retry-after');
    if (seconds !== undefined) return seconds * 1000;
    const value = headers.get('retry-after')?.trim();
    if (!value || !Number.isNaN(Number(value))) return undefined;
    const at = Date.parse(value);
    if (!Number.isFinite(at)) return undefined;
    const sent = Date.parse(headers.get('date') ?? '');
    return Math.max(0, at - (Number.isFinite(sent) ? sent : now()));
}

export interface RetryDecision {
    /** Wait this long, then try again; undefined: do not try again. */
    delayMs?: number;
    /** What was decided and why, for the log and the error. */
    note: string;
}

/**
 * The wait before the next try: the server's Retry-After when it gave one (never shortened), else `fallbackMs`.
 * A Retry-After beyond `capMs`, or past `until`, is a stop.
 */
export function retryDelay(
    asked: number | undefined,
    fallbackMs: number,
    capMs: number,
    until: { left: number; name: string },
): RetryDecision {
    if (asked !== undefined && asked > capMs) {
        return {
            note: `the server asked to retry after ${Math.round(asked / 1000)} s, beyond our ${Math.round(capMs / 1000)} s cap: like azcore, not retried`,
        };
    }
    const delayMs = asked ?? fallbackMs;
    const why = asked !== undefined ? ', as its Retry-After asks' : '';
    if (delayMs >= until.left) return { note: `waiting ${delayMs} ms${why} would pass the ${until.name}: not retried` };
    return { delayMs, note: `retrying in ${delayMs} ms${why}` };
}
