import { versioningSettings, type VersioningSettings } from '../engine/versioning';

/** What the host takes from the app's host.json. */
export interface HostSettings {
    /** `extensions.durableTask.hubName` (`%AppSetting%` resolved); the extension's local default otherwise. */
    taskHubName: string;
    /** `extensions.durableTask.defaultVersion`: the version new orchestrations get. */
    defaultVersion?: string;
    /** `defaultVersion`, `versionMatchStrategy`, `versionFailureStrategy` (engine/versioning.ts). */
    versioning?: VersioningSettings;
    /** `extensions.http.routePrefix`; `""` serves HTTP functions at the root. */
    routePrefix: string;
}

type Section = Record<string, unknown>;

export function hostSettings(hostJson: Section, env: NodeJS.ProcessEnv = process.env): HostSettings {
    const extensions = (hostJson.extensions ?? {}) as Section;
    const durable = (extensions.durableTask ?? {}) as { hubName?: string; defaultVersion?: unknown };
    const versioning = versioningSettings(durable);
    const http = (extensions.http ?? {}) as { routePrefix?: string };
    const hubName = durable.hubName?.replace(/%([^%]+)%/g, (_, key: string) => env[key] ?? '');
    const version = durable.defaultVersion;
    return {
        taskHubName: hubName || 'TestHubName',
        defaultVersion: typeof version === 'string' && version ? version : undefined,
        routePrefix: http.routePrefix ?? 'api',
        versioning,
    };
}
