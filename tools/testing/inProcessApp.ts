import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { runInThisContext } from 'node:vm';
import { bundleApp } from '../local-host/app-loading/buildApp';
import { applyLocalSettings } from '../local-host/app-loading/loadApp';
import { resolveEntries } from '../local-host/app-loading/resolveEntries';
import { FunctionsCore, type LogSink } from '../local-host/worker-process/functionsCore';
import { provideFunctionsCore } from '../local-host/worker-process/loadBundle';
import { AppClock } from './appClock';

type NodeModule = Module & {
    _compile(code: string, filename: string): void;
    appClock?: (RealDate: DateConstructor) => DateConstructor;
};
type ModuleStatics = { _cache: Record<string, unknown>; _nodeModulePaths(dir: string): string[] };

/**
 * Node's own module system. Under jest, `require('node:module')` answers a copy whose `_load` is not the
 * one Node's require calls; the process of the main context still hands out the real one.
 */
function nodeModuleSystem(): typeof Module {
    const outer = runInThisContext('process') as NodeJS.Process & { getBuiltinModule?: (id: string) => unknown };
    return (outer.getBuiltinModule?.('node:module') as typeof Module | undefined) ?? Module;
}

/** The app bundle's first line: its own code reads the kit's wall clock (see AppClock); packages keep the real Date. */
const CLOCK_BANNER =
    'var Date = typeof module.appClock === "function" ? module.appClock(globalThis.Date) : globalThis.Date;';

export interface LoadedTestApp {
    core: FunctionsCore;
    clock: AppClock;
    /** The app's host.json ({} when it has none). */
    hostJson: Record<string, unknown>;
}

/**
 * Builds the app as the local host does (package.json `main`, TypeScript sources, esbuild, packages
 * external) but in memory, and loads it in this process with our `@azure/functions-core`, as the worker
 * does, running its appStart hooks. The packages it loads are dropped from Node's module cache
 * afterwards, so the next load registers into its own FunctionsCore (`@azure/functions` keeps the core
 * it found first).
 */
export async function loadAppInProcess(appDir: string, log: LogSink): Promise<LoadedTestApp> {
    const dir = path.resolve(appDir);
    const entries = resolveEntries(dir);
    const filename = path.join(dir, '.durable-test', 'app.js');
    const [bundle] = await bundleApp(entries, filename, { banner: CLOCK_BANNER, sourcemap: 'inline' });
    applyLocalSettings(dir);
    const core = new FunctionsCore(log);
    const clock = new AppClock();
    const RealModule = nodeModuleSystem();
    const nodeModule = RealModule as unknown as ModuleStatics;
    const cachedBefore = new Set(Object.keys(nodeModule._cache));
    const restore = provideFunctionsCore(core, RealModule);
    try {
        const module = new RealModule(filename) as NodeModule;
        module.filename = filename;
        module.paths = nodeModule._nodeModulePaths(dir);
        module.appClock = (RealDate) => clock.dateFor(RealDate);
        module._compile(bundle.text, filename);
    } finally {
        restore();
        for (const key of Object.keys(nodeModule._cache)) if (!cachedBefore.has(key)) delete nodeModule._cache[key];
    }
    if (!core.programmingModel) {
        throw new Error(
            `The app in ${dir} registered no programming model: does it use @azure/functions v4 (app.http, df.app.orchestration, ...)?`,
        );
    }
    await core.runHooks('appStart', { hookData: {}, appHookData: {}, functionAppDirectory: dir });
    const hostFile = path.join(dir, 'host.json');
    const hostJson = existsSync(hostFile)
        ? (JSON.parse(readFileSync(hostFile, 'utf8')) as Record<string, unknown>)
        : {};
    return { core, clock, hostJson };
}
