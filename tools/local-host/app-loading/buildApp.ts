import { build, type Plugin } from 'esbuild';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import type { AppEntries } from './resolveEntries';
import { CORE_MODULE } from '../worker-process/loadBundle';
import { tscRequireImports, usesTscRequireImports } from './tscImports';

export interface BundleOptions {
    /** Code placed before the bundle (the test kit's clock for the app's own code). */
    banner?: string;
    /** 'linked' writes a .map next to the bundle; 'inline' keeps it in the code (a bundle loaded from memory). */
    sourcemap?: 'linked' | 'inline';
}

/**
 * Bundles the app's own files into one CommonJS file with a source map (breakpoints in the TS
 * sources work). Packages stay external, resolved from the app folder to absolute paths, so the app
 * shares one `@azure/functions` and `durable-functions` with nothing else, as in the worker.
 * Returns the output files in memory (the bundle first).
 */
export async function bundleApp(
    entries: AppEntries,
    outfile: string,
    options: BundleOptions = {},
): Promise<{ path: string; contents: Uint8Array; text: string }[]> {
    const contents = entries.files.map((file) => `require(${JSON.stringify(file)});`).join('\n');
    const built = await build({
        stdin: { contents, resolveDir: entries.appDir, sourcefile: 'durable-local-entry.js', loader: 'js' },
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node22',
        sourcemap: options.sourcemap ?? 'linked',
        sourcesContent: true,
        logLevel: 'silent',
        absWorkingDir: entries.appDir,
        banner: options.banner === undefined ? undefined : { js: options.banner },
        plugins: [
            externalPackages(),
            ...(entries.fromSources && usesTscRequireImports(entries.appDir)
                ? [tscRequireImports(entries.appDir)]
                : []),
        ],
        write: false,
    });
    return [...built.outputFiles].sort((a, b) => Number(a.path.endsWith('.map')) - Number(b.path.endsWith('.map')));
}

/** Bundles the app (see bundleApp) into `outDir`. */
export async function buildApp(entries: AppEntries, outDir: string, fileName = 'app.js'): Promise<string> {
    const outfile = path.join(outDir, fileName);
    const files = await bundleApp(entries, outfile);
    // Temp file + rename, source map first: a host or debugger reading the build never sees a half-written file.
    await mkdir(outDir, { recursive: true });
    for (const file of [...files].reverse()) {
        const temp = `${file.path}.${process.pid}.tmp`;
        await writeFile(temp, file.contents);
        await rename(temp, file.path);
    }
    return outfile;
}

function externalPackages(): Plugin {
    return {
        name: 'external-packages',
        setup(pluginBuild) {
            pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
                if (path.isAbsolute(args.path)) return undefined;
                if (args.path === CORE_MODULE || isBuiltin(args.path)) return { path: args.path, external: true };
                try {
                    return { path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true };
                } catch {
                    return {
                        errors: [
                            {
                                text: `Cannot find package '${args.path}' from ${args.resolveDir}. Run npm install (npm ci) first.`,
                            },
                        ],
                    };
                }
            });
        },
    };
}
