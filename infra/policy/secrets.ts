/**
 * Recognises credentials that the keyless design must never carry: storage account keys, SAS tokens
 * and connection strings with an embedded key or password. Used by the policy pack on resource inputs
 * and by a unit test on the program's stack outputs (outputs are invisible to policy packs).
 *
 * An Application Insights connection string (`InstrumentationKey=...;IngestionEndpoint=...`) is allowed:
 * Microsoft documents the instrumentation key as an identifier, not a secret, and the stack turns local
 * auth off on the component so ingestion needs an Entra token (`APPLICATIONINSIGHTS_AUTHENTICATION_STRING`).
 */
const patterns: { kind: string; test: RegExp }[] = [
    { kind: 'a storage account key (AccountKey=)', test: /(^|;)\s*AccountKey\s*=\s*[^;\s]/i },
    {
        kind: 'a shared access signature connection string (SharedAccessSignature=)',
        test: /(^|;)\s*SharedAccessSignature\s*=\s*[^;\s]/i,
    },
    { kind: 'a shared access key (SharedAccessKey=)', test: /(^|;)\s*SharedAccessKey\s*=\s*[^;\s]/i },
    { kind: 'a SAS token (sig= query parameter)', test: /(^|[?&])sig=[^&\s]+/i },
    { kind: 'a password in a connection string (Password=)', test: /(^|;)\s*(Password|Pwd)\s*=\s*[^;\s]/i },
];

export interface SecretFinding {
    /** Where the value sits, e.g. `siteConfig.appSettings[3].value`. */
    path: string;
    kind: string;
}

/** Walks a JSON-like value and reports every string that holds a credential. */
export function findSecrets(value: unknown, path = ''): SecretFinding[] {
    if (typeof value === 'string') {
        const hit = patterns.find((p) => p.test.test(value));
        return hit ? [{ path: path || '(value)', kind: hit.kind }] : [];
    }
    if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, `${path}[${i}]`));
    if (value !== null && typeof value === 'object') {
        return Object.entries(value).flatMap(([k, v]) => findSecrets(v, path ? `${path}.${k}` : k));
    }
    return [];
}
