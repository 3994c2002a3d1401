/**
 * Keeps keys out of the lines the commands and the local host print. Azure Functions takes a function or
 * system key as the `code` query parameter, any case, or the `x-functions-key` header (azure-functions-host
 * src/WebJobs.Script.WebHost/Security/Authentication/AuthenticationLevelHandler.cs, FunctionsKeyQueryParamName,
 * read through ASP.NET Core's case-insensitive request.Query), so any URL a line names may carry one, raw or
 * %-encoded inside another URL's query.
 */
const QUERY_SECRET = /([?&;]|&amp;)(code=)[^&;#"'\s<>]*/gi;
// Inside another URL's %-encoded query: up to its next %-encoded '&'.
const ENCODED_QUERY_SECRET = /(%3F|%26)(code%3D)(?:(?!%26)[^&;#"'\s<>])*/gi;

/** `text` with the value of every `code=` query parameter replaced by `***`. */
export function redactQuerySecrets(text: string): string {
    const hide = (_match: string, sep: string, name: string) => `${sep}${name}***`;
    return text.replace(QUERY_SECRET, hide).replace(ENCODED_QUERY_SECRET, hide);
}

/** `text` with each of `secrets` (a key, a secret path) replaced by `***`, then every `code=` value. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
    let out = text;
    for (const secret of secrets)
        if (secret) out = out.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
    return redactQuerySecrets(out);
}
