/**
 * Keeps the system key out of everything the proxy sends to the browser. The extension puts the key it was
 * called with into the URLs it answers (`statusQueryGetUri` and the other management URLs of a restart,
 * the `Location` of a running instance's 202), as `code=<key>` in any of its encodings. Each form is replaced
 * by a placeholder the proxy drops again when such a URL is called through it, and the app's origin by the
 * proxy's, so those URLs keep working from the page.
 */
export const KEY_PLACEHOLDER = 'added-by-the-dashboard-proxy';

/** The forms the key can take in a URL, a query string or a JSON string. */
export function keyForms(key: string): string[] {
    const escapeAll = (upper: boolean) =>
        key.replace(/[^A-Za-z0-9]/g, (c) => {
            const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
            return `\\u${upper ? hex.toUpperCase() : hex}`;
        });
    const forms = [key, encodeURIComponent(key), new URLSearchParams({ k: key }).toString().slice(2), JSON.stringify(key).slice(1, -1), escapeAll(false), escapeAll(true)];
    // Percent-escapes in lower case, as some encoders write them.
    forms.push(encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
    return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

export function scrubber(key: string, upstreamOrigin: string) {
    const forms = keyForms(key);
    return (text: string, localOrigin: string): string => {
        let out = text.split(upstreamOrigin).join(localOrigin);
        for (const form of forms) out = out.split(form).join(KEY_PLACEHOLDER);
        return out;
    };
}
