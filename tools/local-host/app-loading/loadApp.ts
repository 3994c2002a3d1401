import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LogSink } from '../worker-process/functionsCore';
import { parseFunctionTimeout, type FunctionTimeout } from '../worker-channel/functionTimeout';
import type { RedeliveryLog } from '../worker-channel/redelivery';
import { WorkerHost } from '../worker-channel/workerHost';
import { buildApp } from './buildApp';
import { resolveEntries, type AppEntries } from './resolveEntries';

export interface LoadedApp {
    /** The app's functions, served by its worker process. */
    functions: WorkerHost;
    entries: AppEntries;
    bundle: string;
    hostJson: Record<string, unknown>;
    timeout: FunctionTimeout;
}

export interface LoadOptions {
    /** The compiled worker entry. */
    workerScript: string;
    inspectPort?: number;
    log: LogSink;
    /** Host work to do while the worker process boots and loads the app (the two run in parallel). */
    whileWorkerStarts?: () => void;
    /** Where redelivery counts of poison work survive a restart (the store). */
    redeliveryLog?: RedeliveryLog;
}

/** Applies local.settings.json `Values` to the environment without overriding what is already set (as Core Tools). */
export function applyLocalSettings(appDir: string): string[] {
    const file = path.join(appDir, 'local.settings.json');
    if (!existsSync(file)) return [];
    const values = (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> }).Values ?? {};
    const applied: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (process.env[key] === undefined) {
            process.env[key] = String(value);
            applied.push(key);
        }
    }
    return applied;
}

/**
 * Builds the app (esbuild, in the host) and starts its worker process, which loads the build with
 * our `@azure/functions-core` and runs its appStart hooks. The settings reach the worker through its
 * environment, as app settings do in Azure.
 */
export async function loadApp(appDir: string, buildDir: string, options: LoadOptions): Promise<LoadedApp> {
    const entries = resolveEntries(appDir);
    const bundle = await buildApp(entries, buildDir);
    applyLocalSettings(appDir);
    const hostFile = path.join(appDir, 'host.json');
    const hostJson = existsSync(hostFile)
        ? (JSON.parse(readFileSync(hostFile, 'utf8')) as Record<string, unknown>)
        : {};
    const timeout = parseFunctionTimeout(hostJson.functionTimeout);
    // DURABLE_LOCAL_REDELIVERY_SECOND_MS: a shorter backoff "second" for tests of poison messages
    // (worker-channel/redelivery.ts).
    const redeliverySecondMs = Number(process.env.DURABLE_LOCAL_REDELIVERY_SECOND_MS) || undefined;
    const functions = new WorkerHost({
        script: options.workerScript,
        appDir,
        timeout,
        inspectPort: options.inspectPort,
        log: options.log,
        redeliverySecondMs,
        redeliveryLog: options.redeliveryLog,
    });
    await functions.start(bundle, options.whileWorkerStarts);
    return { functions, entries, bundle, hostJson, timeout };
}
