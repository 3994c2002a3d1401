import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { FunctionsCore, type LogSink } from '../worker/functionsCore';
import { buildApp, CORE_MODULE } from './buildApp';
import { resolveEntries, type AppEntries } from './resolveEntries';

export interface LoadedApp {
    core: FunctionsCore;
    entries: AppEntries;
    bundle: string;
    hostJson: Record<string, unknown>;
    /** Require-cache keys loading the app added (its bundle and package instances): a reload replaces them. */
    appModules?: string[];
}

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

/** Serves `require('@azure/functions-core')` the way the Node worker does (the module exists only in the worker). */
export function provideFunctionsCore(core: FunctionsCore): () => void {
    const moduleApi = Module as unknown as { _load: ModuleLoad };
    const original = moduleApi._load;
    const api = core.api;
    moduleApi._load = function (request, parent, isMain) {
        if (request === CORE_MODULE) return api;
        return original.call(this, request, parent, isMain);
    };
    return () => {
        moduleApi._load = original;
    };
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

/** Builds the app, loads it with our `@azure/functions-core` and runs its appStart hooks. */
export async function loadApp(appDir: string, buildDir: string, log: LogSink): Promise<LoadedApp> {
    const entries = resolveEntries(appDir);
    const bundle = await buildApp(entries, buildDir);
    const core = new FunctionsCore(log);
    provideFunctionsCore(core);
    applyLocalSettings(appDir);
    delete require.cache[bundle];
    const cachedBefore = new Set(Object.keys(require.cache));
    require(bundle);
    const appModules = Object.keys(require.cache).filter((key) => !cachedBefore.has(key));
    if (!core.programmingModel) {
        throw new Error(`The app in ${appDir} registered no programming model: does it use @azure/functions v4 (app.http, df.app.orchestration, ...)?`);
    }
    await core.runHooks('appStart', { hookData: {}, appHookData: {}, functionAppDirectory: appDir });
    const hostFile = path.join(appDir, 'host.json');
    const hostJson = existsSync(hostFile) ? (JSON.parse(readFileSync(hostFile, 'utf8')) as Record<string, unknown>) : {};
    return { core, entries, bundle, hostJson, appModules };
}
