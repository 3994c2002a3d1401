/**
 * Orchestration versioning as Durable Functions does it (public preview).
 *
 * host.json `extensions.durableTask`: `defaultVersion`, `versionMatchStrategy` (None | Strict | CurrentOrOlder,
 * default CurrentOrOlder) and `versionFailureStrategy` (Reject | Fail, default Reject): MicrosoftDocs/azure-docs
 * articles/azure-functions/durable/durable-functions-orchestration-versioning.md ("Version matching",
 * "Version mismatch handling"). The check itself is DurableTask.Core's, run before every episode:
 * Azure/durabletask src/DurableTask.Core/TaskOrchestrationDispatcher.cs (OnProcessWorkItemAsync: Strict is
 * `settings.Version != runtimeState.Version`, CurrentOrOlder is `CompareVersions(instance, worker) > 0`; Fail
 * completes the instance as Failed with FailureDetails("VersionMismatch", "Orchestration version did not comply
 * with Worker Versioning", IsNonRetriable: true), Reject abandons the work item, to be retried later) and
 * src/DurableTask.Core/Settings/VersioningSettings.cs (CompareVersions).
 */
export type VersionMatchStrategy = 'None' | 'Strict' | 'CurrentOrOlder';
export type VersionFailureStrategy = 'Reject' | 'Fail';

export interface VersioningSettings {
    /**
     * The worker's version: `defaultVersion`, '' when unset (what the extension starts instances with when none is
     * given).
     */
    version: string;
    matchStrategy: VersionMatchStrategy;
    failureStrategy: VersionFailureStrategy;
}

export const VERSION_MISMATCH = {
    ErrorType: 'VersionMismatch',
    ErrorMessage: 'Orchestration version did not comply with Worker Versioning',
    IsNonRetriable: true,
} as const;

const MATCH: readonly VersionMatchStrategy[] = ['None', 'Strict', 'CurrentOrOlder'];
const FAILURE: readonly VersionFailureStrategy[] = ['Reject', 'Fail'];

/** Strategy names match case-insensitively, as .NET's configuration binder binds enums. */
function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, key: string): T {
    if (value === undefined || value === null) return fallback;
    const found = allowed.find((a) => typeof value === 'string' && a.toLowerCase() === value.toLowerCase());
    if (!found)
        throw new Error(
            `host.json extensions.durableTask.${key} is ${JSON.stringify(value)}: use one of ${allowed.join(', ')} (default ${fallback}).`,
        );
    return found;
}

/**
 * The versioning settings from host.json's `extensions.durableTask` section; bad values are errors that name
 * the key. None of the three keys set: undefined, no check (an app that never opted into versioning keeps
 * running every instance, whatever version a client gave it).
 */
export function versioningSettings(durableTask: Record<string, unknown> | undefined): VersioningSettings | undefined {
    const section = durableTask ?? {};
    if (
        ['defaultVersion', 'versionMatchStrategy', 'versionFailureStrategy'].every(
            (key) => section[key] === undefined || section[key] === null,
        )
    )
        return undefined;
    const version = section.defaultVersion;
    if (version !== undefined && version !== null && typeof version !== 'string') {
        throw new Error(
            `host.json extensions.durableTask.defaultVersion is ${JSON.stringify(version)}: it must be a string such as "1.0" (or left out).`,
        );
    }
    return {
        version: version ?? '',
        matchStrategy: oneOf(section.versionMatchStrategy, MATCH, 'CurrentOrOlder', 'versionMatchStrategy'),
        failureStrategy: oneOf(section.versionFailureStrategy, FAILURE, 'Reject', 'versionFailureStrategy'),
    };
}

/** System.Version.TryParse: 2 to 4 dot-separated non-negative Int32 parts; missing parts are -1 in CompareTo. */
function dotNetVersion(text: string): number[] | undefined {
    const parts = text.trim().split('.');
    if (parts.length < 2 || parts.length > 4 || parts.some((p) => !/^\d+$/.test(p.trim()) || Number(p) > 2147483647))
        return undefined;
    const numbers = parts.map(Number);
    while (numbers.length < 4) numbers.push(-1);
    return numbers;
}

const blank = (v: string | undefined | null): boolean => v === undefined || v === null || v.trim() === '';
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** VersioningSettings.CompareVersions: <0, 0 or >0 as `source` is older than, the same as or newer than `other`. */
export function compareVersions(source: string | undefined | null, other: string | undefined | null): number {
    if (blank(source) && blank(other)) return 0;
    if (blank(source)) return -1;
    if (blank(other)) return 1;
    const a = dotNetVersion(source!);
    const b = dotNetVersion(other!);
    if (a && b) {
        for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return sign(a[i] - b[i]);
        return 0;
    }
    // string.Compare(..., StringComparison.OrdinalIgnoreCase): ordinal on the upper-cased texts.
    const x = source!.toUpperCase();
    const y = other!.toUpperCase();
    return x < y ? -1 : x > y ? 1 : 0;
}

export type VersionVerdict = { ok: true } | { ok: false; action: VersionFailureStrategy; reason: string };

/**
 * Whether a worker with these settings runs an episode of an instance of `instanceVersion`, and if not, what it does.
 */
export function checkVersion(settings: VersioningSettings, instanceVersion: string | undefined | null): VersionVerdict {
    const instance = instanceVersion ?? '';
    let reason: string | undefined;
    if (settings.matchStrategy === 'Strict' && instance !== settings.version) {
        reason = `its version '${instance}' is not the worker's '${settings.version}' (versionMatchStrategy Strict)`;
    } else if (settings.matchStrategy === 'CurrentOrOlder' && compareVersions(instance, settings.version) > 0) {
        reason = `its version '${instance}' is newer than the worker's '${settings.version}' (versionMatchStrategy CurrentOrOlder)`;
    }
    return reason === undefined ? { ok: true } : { ok: false, action: settings.failureStrategy, reason };
}

/** What the failure strategy does to such an instance, in words. */
export function describeAction(verdict: Extract<VersionVerdict, { ok: false }>): string {
    return verdict.action === 'Reject'
        ? `${verdict.reason}: versionFailureStrategy Reject leaves it as it is, its messages retried until a worker whose version matches picks it up`
        : `${verdict.reason}: versionFailureStrategy Fail fails it with ${VERSION_MISMATCH.ErrorType} ("${VERSION_MISMATCH.ErrorMessage}")`;
}
