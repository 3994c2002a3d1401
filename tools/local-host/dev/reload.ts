import type { BuildFailure } from 'esbuild';
import { buildApp } from '../app-loading/buildApp';
import { provideFunctionsCore, type LoadedApp } from '../app-loading/loadApp';
import { resolveEntries } from '../app-loading/resolveEntries';
import { FunctionsCore, type LogSink } from '../worker/functionsCore';

export interface ReloadResult {
    functions: string[];
    added: string[];
    removed: string[];
    buildMs: number;
}

/**
 * Rebuilds the app and swaps its functions into the running host, as a deployment swaps the worker
 * in Azure: the engine, the store and running orchestrations stay; their next replay runs the new
 * code. The new code loads with fresh instances of its packages (`@azure/functions` registers once
 * per instance) into a fresh core first, so a build or load error leaves the last good build serving.
 */
export async function reloadApp(live: LoadedApp, buildDir: string, log: LogSink): Promise<ReloadResult> {
    const started = Date.now();
    const entries = resolveEntries(live.entries.appDir);
    let bundle: string;
    try {
        bundle = await buildApp(entries, buildDir);
    } catch (err) {
        throw new Error(formatBuildError(err));
    }
    const buildMs = Date.now() - started;
    const fresh = new FunctionsCore(log);
    for (const key of [bundle, ...(live.appModules ?? [])]) delete require.cache[key];
    const restore = provideFunctionsCore(fresh);
    const cachedBefore = new Set(Object.keys(require.cache));
    try {
        require(bundle);
    } finally {
        restore();
    }
    const modules = Object.keys(require.cache).filter((key) => !cachedBefore.has(key));
    if (!fresh.programmingModel) throw new Error('The app registered no programming model: does it still use @azure/functions v4?');
    const before = [...live.core.registrations.keys()];
    await live.core.runHooks('appTerminate', { hookData: {}, appHookData: {} });
    transplant(fresh, live.core);
    live.entries = entries;
    live.appModules = modules;
    await live.core.runHooks('appStart', { hookData: {}, appHookData: {}, functionAppDirectory: entries.appDir });
    const after = [...live.core.registrations.keys()];
    return { functions: after, added: after.filter((n) => !before.includes(n)), removed: before.filter((n) => !after.includes(n)), buildMs };
}

/** Everything the host reads from the core object it holds (engine, HTTP routes) moves to the new code. */
function transplant(from: FunctionsCore, to: FunctionsCore): void {
    to.registrations.clear();
    for (const [name, registration] of from.registrations) to.registrations.set(name, registration);
    for (const name of Object.keys(to.hooks) as (keyof FunctionsCore['hooks'])[]) to.hooks[name].splice(0, Infinity, ...from.hooks[name]);
    to.programmingModel = from.programmingModel;
}

export function formatBuildError(err: unknown): string {
    const failure = err as Partial<BuildFailure>;
    if (!failure.errors?.length) return err instanceof Error ? err.message : String(err);
    return failure.errors
        .map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}` : e.text))
        .join('\n');
}
