import Module from 'node:module';
import { FunctionsCore, type LogSink } from './functionsCore';

export const CORE_MODULE = '@azure/functions-core';

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

/** Serves `require('@azure/functions-core')` the way the Node worker does (the module exists only in the worker). */
export function provideFunctionsCore(core: FunctionsCore, loader: typeof Module = Module): () => void {
    const moduleApi = loader as unknown as { _load: ModuleLoad };
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

/**
 * Loads the app's bundle with our `@azure/functions-core` and runs its appStart hooks, as the Node
 * worker does on FunctionEnvironmentReloadRequest / the first FunctionLoadRequest
 * (azure-functions-nodejs-worker src/startApp.ts).
 */
export async function loadBundle(bundle: string, appDir: string, log: LogSink): Promise<FunctionsCore> {
    const core = new FunctionsCore(log);
    provideFunctionsCore(core);
    require(bundle);
    if (!core.programmingModel) {
        throw new Error(
            `The app in ${appDir} registered no programming model: does it use @azure/functions v4 (app.http, df.app.orchestration, ...)?`,
        );
    }
    await core.runHooks('appStart', { hookData: {}, appHookData: {}, functionAppDirectory: appDir });
    await core.loadCapabilities();
    return core;
}
