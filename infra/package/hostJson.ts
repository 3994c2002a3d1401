export type DurableBackend = 'azureStorage' | 'durableTaskScheduler';
export const DURABLE_BACKENDS: readonly DurableBackend[] = ['azureStorage', 'durableTaskScheduler'];

/** The standard bundle ships the Durable Task Scheduler (`azureManaged`) provider from 4.32.0 on. */
export const DTS_EXTENSION_BUNDLE_RANGE = '[4.32.0, 5.0.0)';
export const DTS_CONNECTION_SETTING = 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING';
export const DTS_TASKHUB_SETTING = 'TASKHUB_NAME';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortKeys(value: Json): Json {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (!isObject(value)) return value;
    const sorted: JsonObject = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
    return sorted;
}

/** JSON with keys sorted at every level, 2-space indent and a final newline: same value, same bytes. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value as Json), null, 2) + '\n';
}

function child(parent: JsonObject, key: string): JsonObject {
    const existing = parent[key];
    if (existing !== undefined && !isObject(existing)) {
        throw new Error(`host.json: '${key}' must be an object, found ${JSON.stringify(existing)}.`);
    }
    const value = existing ?? {};
    parent[key] = value;
    return value;
}

/**
 * The host.json that is deployed: the app's own for the Azure Storage backend; for the Durable Task
 * Scheduler, the same plus the task hub and `azureManaged` provider read from app settings, and an
 * extension bundle range that contains that provider.
 */
export function deployedHostJson(appHostJson: string, backend: DurableBackend = 'azureStorage'): string {
    if (!DURABLE_BACKENDS.includes(backend)) {
        throw new Error(`Unknown durable backend '${backend}'; use one of: ${DURABLE_BACKENDS.join(', ')}.`);
    }
    let host: Json;
    try {
        host = JSON.parse(appHostJson) as Json;
    } catch (err) {
        throw new Error(`host.json is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObject(host)) throw new Error('host.json must contain a JSON object.');
    const bundle = host.extensionBundle;
    if (!isObject(bundle) || bundle.id !== 'Microsoft.Azure.Functions.ExtensionBundle') {
        throw new Error(
            'host.json needs "extensionBundle": { "id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)" }: Durable Functions\' triggers come from the bundle.',
        );
    }
    if (backend === 'durableTaskScheduler') {
        bundle.version = DTS_EXTENSION_BUNDLE_RANGE;
        const durableTask = child(child(host, 'extensions'), 'durableTask');
        durableTask.hubName = `%${DTS_TASKHUB_SETTING}%`;
        durableTask.storageProvider = { type: 'azureManaged', connectionStringName: DTS_CONNECTION_SETTING };
    }
    return canonicalJson(host);
}
