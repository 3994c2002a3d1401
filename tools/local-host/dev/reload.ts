import type { BuildFailure } from 'esbuild';
import * as path from 'node:path';
import { buildApp } from '../app-loading/buildApp';
import type { LoadedApp } from '../app-loading/loadApp';
import { resolveEntries } from '../app-loading/resolveEntries';

export interface ReloadResult {
    functions: string[];
    added: string[];
    removed: string[];
    buildMs: number;
}

/**
 * Rebuilds the app and starts a new worker process on the build, as a deployment restarts the worker
 * in Azure: clean module state, while the engine, the store and running orchestrations stay (their
 * next replay runs the new code). A build or load error leaves the last good worker serving.
 */
export async function reloadApp(live: LoadedApp, buildDir: string): Promise<ReloadResult> {
    const started = Date.now();
    const entries = resolveEntries(live.entries.appDir);
    // Never over the build the serving worker was started on: a worker restarted later must find it whole.
    const fileName = path.basename(live.bundle) === 'app.js' ? 'app.next.js' : 'app.js';
    let bundle: string;
    try {
        bundle = await buildApp(entries, buildDir, fileName);
    } catch (err) {
        throw new Error(formatBuildError(err));
    }
    const buildMs = Date.now() - started;
    const { added, removed } = await live.functions.reload(bundle);
    live.entries = entries;
    live.bundle = bundle;
    return { functions: [...live.functions.registrations.keys()], added, removed, buildMs };
}

export function formatBuildError(err: unknown): string {
    const failure = err as Partial<BuildFailure>;
    if (!failure.errors?.length) return err instanceof Error ? err.message : String(err);
    return failure.errors
        .map((e) =>
            e.location
                ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}`
                : e.text,
        )
        .join('\n');
}
