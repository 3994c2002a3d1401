import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Provided by the Functions Node worker at run time; it is not on npm and must not be bundled. */
export const WORKER_PROVIDED = ['@azure/functions-core'];
/** The Node major the bundle targets unless told otherwise (`npm run package`, the stack's default). */
export const DEFAULT_NODE_VERSION = '22';

export interface BundleOptions {
    appDir: string;
    /** Extra folders to resolve packages from (e.g. the repo's node_modules for a copy of app/ elsewhere). */
    nodePaths?: string[];
    /** The Node major the app runs on (the stack's nodeVersion): esbuild targets `node<major>`. */
    nodeVersion?: string;
}

export interface Bundle {
    code: Buffer;
    /** The function files bundled, relative to appDir, in load order. */
    functionFiles: string[];
    /** Output bytes per package (or source file), largest first: what dominates the bundle. */
    composition: [string, number][];
}

/**
 * The files the app's `main` glob (`dist/src/functions/*.js`) loads, as their TypeScript sources, in
 * byte-wise name order so the bundle does not depend on the file system's listing order.
 */
export function functionSources(appDir: string): string[] {
    const dir = path.join(appDir, 'src', 'functions');
    const files = fs.existsSync(dir)
        ? fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
        : [];
    if (files.length === 0) {
        throw new Error(`No function files in ${dir}: the app registers its functions from src/functions/*.ts.`);
    }
    return files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((f) => `src/functions/${f}`);
}

function composition(metafile: esbuild.Metafile): [string, number][] {
    const sizes = new Map<string, number>();
    for (const output of Object.values(metafile.outputs)) {
        for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
            const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;
            sizes.set(pkg, (sizes.get(pkg) ?? 0) + bytesInOutput);
        }
    }
    return [...sizes].sort((a, b) => b[1] - a[1]);
}

/** Bundles the app's functions and their dependencies into one minified CommonJS file for the app's Node major. */
export function bundleApp({ appDir, nodePaths = [], nodeVersion = DEFAULT_NODE_VERSION }: BundleOptions): Bundle {
    if (!/^[1-9]\d*$/.test(nodeVersion))
        throw new Error(`nodeVersion '${nodeVersion}' must be a Node major version such as ${DEFAULT_NODE_VERSION}.`);
    const functionFiles = functionSources(appDir);
    const result = esbuild.buildSync({
        stdin: {
            contents: functionFiles.map((file) => `require(${JSON.stringify('./' + file)});`).join('\n'),
            resolveDir: appDir,
            sourcefile: 'package-entry.js',
            loader: 'js',
        },
        absWorkingDir: appDir,
        nodePaths,
        bundle: true,
        platform: 'node',
        target: `node${nodeVersion}`,
        format: 'cjs',
        minify: true,
        legalComments: 'none',
        external: WORKER_PROVIDED,
        charset: 'utf8',
        write: false,
        metafile: true,
        logLevel: 'silent',
    });
    if (result.errors.length > 0) throw new Error(`esbuild: ${result.errors.map((e) => e.text).join('; ')}`);
    return {
        code: Buffer.from(result.outputFiles[0].contents),
        functionFiles,
        composition: composition(result.metafile),
    };
}
