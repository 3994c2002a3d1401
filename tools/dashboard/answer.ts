import { randomBytes } from 'node:crypto';
import { WEBHOOK_PATH } from '../local-host/durable-api/clientBinding';
import { decodeJsonBody, KEY_PLACEHOLDER, type Scrubber } from './scrub';

/**
 * What the proxy sends back for an upstream answer: only the Durable API's JSON, parsed, scrubbed and
 * serialised again by the proxy, with the headers the page reads (rebuilt, not relayed) and a CSP that
 * runs nothing. Anything else upstream sends (an HTML error page of the front end, a redirect to a
 * sign-in page, text) is refused with a clear error and never reaches the browser.
 */
export const JSON_SECURITY_HEADERS = {
    'content-security-policy':
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
};

export interface Answer {
    status: number;
    headers: Record<string, string>;
    body: string;
}

export class UpstreamRefused extends Error {}

export const CONTINUATION = 'x-ms-continuation-token';
const MAX_TOKENS = 10_000;

/**
 * The extension's continuation tokens (`x-ms-continuation-token`, HttpApiHandler.cs HandleGetStatusRequestAsync, lines
 * 490-509) are opaque to the page: it gets a handle of ours instead and sends it back; the upstream token never reaches
 * the browser, whatever it encodes.
 */
export class ContinuationTokens {
    readonly #tokens = new Map<string, string>();

    handleFor(token: string): string {
        const handle = `dashboard-${randomBytes(18).toString('base64url')}`;
        this.#tokens.set(handle, token);
        if (this.#tokens.size > MAX_TOKENS) this.#tokens.delete(this.#tokens.keys().next().value!);
        return handle;
    }

    /** The upstream token of a handle, or undefined when this proxy never issued it (or dropped it since). */
    tokenOf(handle: string): string | undefined {
        return this.#tokens.get(handle);
    }
}

/** `Retry-After` as the extension sends it (seconds) or an HTTP date; anything else is dropped. */
const RETRY_AFTER = /^(\d{1,6}|[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT)$/;

/**
 * A `Location` on the app's webhook path (a running instance's status URL), moved to the proxy's origin with
 * the key's `code` replaced by the placeholder; any other place is dropped.
 */
function location(value: string, upstream: string, local: string, scrub: Scrubber): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return undefined;
    }
    if (url.origin !== upstream || !url.pathname.toLowerCase().startsWith(`${WEBHOOK_PATH.toLowerCase()}/`))
        return undefined;
    const query = new URLSearchParams();
    for (const [name, v] of url.searchParams) query.append(name, name.toLowerCase() === 'code' ? KEY_PLACEHOLDER : v);
    return scrub.text(`${local}${url.pathname}${query.size ? `?${query}` : ''}`);
}

export interface UpstreamResponse {
    status: number;
    headers: Headers;
    body: Uint8Array;
}

/** The answer for the page, or UpstreamRefused with what upstream sent and what to check. */
export function answerFor(
    response: UpstreamResponse,
    context: { upstream: string; local: string; scrub: Scrubber; tokens: ContinuationTokens },
): Answer {
    const { upstream, local, scrub, tokens } = context;
    const { status } = response;
    if (status < 200 || (status >= 300 && status < 400)) {
        throw new UpstreamRefused(
            `${upstream} answered HTTP ${status} (a redirect), not the Durable API: is App Service Authentication (Easy Auth) or an access restriction in front of the app?`,
        );
    }
    const refused = (reason: string) =>
        new UpstreamRefused(
            `${upstream} answered HTTP ${status}: ${reason}; the dashboard passes on only the Durable API's JSON. ` +
                "Check that the app is running and its Durable extension loaded (Azure portal: the app's Overview and Log stream).",
        );
    let body = '';
    if (response.body.length > 0) {
        let text: string;
        try {
            text = decodeJsonBody(response.body, response.headers.get('content-type'));
        } catch (err) {
            throw refused((err as Error).message);
        }
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch {
            throw refused('its body is not valid JSON');
        }
        body = JSON.stringify(scrub.json(value));
    }
    const headers: Record<string, string> = { ...JSON_SECURITY_HEADERS };
    if (body) headers['content-type'] = 'application/json; charset=utf-8';
    const token = response.headers.get(CONTINUATION);
    if (token !== null) headers[CONTINUATION] = token === '' || token === 'null' ? '' : tokens.handleFor(token);
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter !== null && RETRY_AFTER.test(retryAfter.trim())) headers['retry-after'] = retryAfter.trim();
    const moved = response.headers.get('location');
    const movedHere = moved === null ? undefined : location(moved, upstream, local, scrub);
    if (movedHere !== undefined) headers.location = movedHere;
    // The last check: nothing leaves with the key in it, whatever hid it from the scrubbing.
    if (scrub.leaks(body) || Object.values(headers).some((v) => scrub.leaks(v))) {
        throw new UpstreamRefused(
            `${upstream}'s answer held the Durable extension's system key in a form the dashboard could not remove; it was not passed on.`,
        );
    }
    return { status, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body };
}
