/**
 * Keeps the system key out of everything the proxy sends to the browser. The extension puts the key it was
 * called with into the URLs it answers (`statusQueryGetUri` and the other management URLs of a restart,
 * the `Location` of a running instance's 202: Azure/azure-functions-durable-extension HttpApiHandler.cs,
 * CreateHttpManagementPayload, line 181), and an app's own outputs may carry it in any encoding. The proxy parses every
 * answer and scrubs the decoded strings: the key, character by character in any mix of its URL, JSON and HTML escapes,
 * becomes a placeholder the proxy drops again when such a URL is called through it; a base64 run that decodes to text
 * holding the key is replaced whole; and the app's origin becomes the proxy's, so those URLs keep working from the
 * page.
 */
export const KEY_PLACEHOLDER = 'added-by-the-dashboard-proxy';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** A hex number matched in either case, with any leading zeros up to `width`. */
const hex = (n: number, width: number): string =>
    n
        .toString(16)
        .padStart(width, '0')
        .split('')
        .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
        .join('');

/** Every way one character of the key can be written in a URL, a query string, JSON or HTML text. */
function characterForms(c: string): string {
    const code = c.codePointAt(0)!;
    const bytes = [...Buffer.from(c, 'utf8')];
    const forms = [
        escapeRegExp(c),
        // %XX, and %25XX (encoded twice), per UTF-8 byte
        bytes.map((b) => `%(?:25)?${hex(b, 2)}`).join(''),
        `\\\\[uU]${hex(code, 4)}`,
        `&#[xX]0*${hex(code, 1)};?`,
        `&#0*${code};?`,
    ];
    if (c === '/') forms.push('\\\\/');
    if (c === ' ') forms.push('\\+');
    return `(?:${forms.join('|')})`;
}

/** Matches the key in any mix of its encodings. */
export function keyPattern(key: string): RegExp {
    return new RegExp([...key].map(characterForms).join(''), 'g');
}

// Base64 or base64url text long enough to hide a key (a continuation token, a blob in an output).
const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
// Byte 0 of UTF-16 text in the latin-1 reading is a NUL after each ASCII character.
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;

/** Whether a base64 run decodes (at any of its four alignments) to text holding the key, to `depth` nested layers. */
function base64HoldsKey(run: string, pattern: RegExp, depth: number): boolean {
    for (let offset = 0; offset < 4 && offset < run.length; offset++) {
        const bytes = Buffer.from(run.slice(offset), 'base64');
        for (const text of [
            bytes.toString('latin1'),
            bytes.toString('latin1').replace(NUL, ''),
            bytes.toString('utf16le'),
        ]) {
            if (holdsKey(text, pattern, depth - 1)) return true;
        }
    }
    return false;
}

function holdsKey(text: string, pattern: RegExp, depth: number): boolean {
    pattern.lastIndex = 0;
    if (pattern.test(text)) return true;
    if (depth <= 0) return false;
    for (const run of text.match(BASE64_RUN) ?? []) if (base64HoldsKey(run, pattern, depth)) return true;
    return false;
}

export interface Scrubber {
    /**
     * A decoded string (a JSON value or key, a header value) without the key, with the app's origin made the proxy's.
     */
    text(value: string): string;
    /** Every string in a parsed JSON value scrubbed (keys included); the structure is rebuilt, never mutated. */
    json(value: unknown): unknown;
    /** Whether any encoding of the key this scrubber knows of is still in `text` (the last check before sending). */
    leaks(text: string): boolean;
}

const NESTING = 3;

export function scrubber(key: string, upstreamOrigin: string, localOrigin: string): Scrubber {
    const pattern = keyPattern(key);
    const leaks = (text: string): boolean => holdsKey(text, pattern, NESTING);
    const text = (value: string): string => {
        let out = value.split(upstreamOrigin).join(localOrigin).replace(pattern, KEY_PLACEHOLDER);
        out = out.replace(BASE64_RUN, (run) => (base64HoldsKey(run, pattern, NESTING) ? KEY_PLACEHOLDER : run));
        // Whatever else hides it (split across encodings we do not undo): the whole string goes.
        return leaks(out) ? `(removed by the dashboard proxy: it held the Durable extension's system key)` : out;
    };
    const json = (value: unknown): unknown => {
        if (typeof value === 'string') return text(value);
        if (Array.isArray(value)) return value.map(json);
        // fromEntries defines own properties: a "__proto__" key stays data.
        if (value !== null && typeof value === 'object')
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), json(v)]));
        return value;
    };
    return { text, json, leaks };
}

/** JSON media types: application/json, text/json, application/<anything>+json. */
const JSON_TYPE = /^(application\/([a-z0-9.+-]*\+)?json|text\/json)$/;

/**
 * The text of a JSON answer: its charset, else its byte order mark, else RFC 8259's UTF-8 (UTF-16 with no
 * mark recognised by its NUL bytes, as RFC 4627 section 3 did). Throws with the reason for anything else.
 */
export function decodeJsonBody(body: Uint8Array, contentType: string | null): string {
    const [type, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
    if (!JSON_TYPE.test(type))
        throw new Error(`it answered ${contentType ? `'${contentType}'` : 'with no content type'}, not JSON`);
    const declared = params
        .find((p) => p.startsWith('charset='))
        ?.slice('charset='.length)
        .replace(/"/g, '');
    let encoding = declared ?? 'utf-8';
    let start = 0;
    if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) [encoding, start] = ['utf-8', 3];
    else if (body[0] === 0xff && body[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
    else if (body[0] === 0xfe && body[1] === 0xff) [encoding, start] = ['utf-16be', 2];
    else if (!declared && body.length >= 2 && body[0] === 0 && body[1] !== 0) encoding = 'utf-16be';
    else if (!declared && body.length >= 2 && body[0] !== 0 && body[1] === 0) encoding = 'utf-16le';
    if (encoding === 'utf-16') encoding = 'utf-16le';
    if (!['utf-8', 'utf8', 'utf-16le', 'utf-16be'].includes(encoding))
        throw new Error(`its JSON is in the charset '${encoding}', not UTF-8 or UTF-16`);
    try {
        return new TextDecoder(encoding, { fatal: true }).decode(body.subarray(start));
    } catch {
        throw new Error(`its JSON is not valid ${encoding}`);
    }
}
