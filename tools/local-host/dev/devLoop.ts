import * as path from 'node:path';
import type { LoadedApp } from '../app-loading/loadApp';
import { functionRoutes, type FunctionRoute } from '../http/functionRoutes';
import { reloadApp } from './reload';
import { outDirOf, watchFolder } from './watch';

export interface WatchSetup {
    app: LoadedApp;
    buildDir: string;
    /** The routes array the HTTP handler serves from: replaced in place after a reload. */
    routes: FunctionRoute[];
    log: (message: string) => void;
}

/** `--watch`: a saved file under the app rebuilds it and starts a new worker on it; a failed build changes nothing. */
export function startWatch({ app, buildDir, routes, log }: WatchSetup): () => void {
    const appDir = app.entries.appDir;
    const ignoreDirs = [
        ...outDirOf(appDir, app.entries.main, app.entries.fromSources),
        path.relative(appDir, buildDir),
    ].filter((d) => d && !d.startsWith('..'));
    return watchFolder(
        appDir,
        async (files) => {
            const started = Date.now();
            log(`Changed: ${files.join(', ')}; rebuilding the app`);
            try {
                const result = await reloadApp(app, buildDir);
                routes.splice(0, routes.length, ...functionRoutes(app.functions));
                const changes = [...result.added.map((n) => `+${n}`), ...result.removed.map((n) => `-${n}`)];
                log(
                    `Reloaded in ${Date.now() - started} ms (build ${result.buildMs} ms): ${result.functions.length} function(s)${changes.length ? ` (${changes.join(', ')})` : ''}. New worker process; running orchestrations continue on the new code.`,
                );
            } catch (err) {
                log(
                    `Build failed, the last good build keeps serving:\n${err instanceof Error ? err.message : String(err)}`,
                );
            }
        },
        { ignoreDirs },
    );
}
