import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { globFiles, isPattern } from './glob';

export interface AppEntries {
    appDir: string;
    main: string;
    /** The files the host builds, in load order: TypeScript sources when `main` points into tsc's outDir. */
    files: string[];
    fromSources: boolean;
}

/**
 * Finds the app's entry files the way the Node worker does (package.json `main`, a file or a glob),
 * preferring the TypeScript sources behind a compiled `main` so `npm start` needs no `tsc` step.
 */
export function resolveEntries(appDir: string): AppEntries {
    const packageFile = path.join(appDir, 'package.json');
    if (!existsSync(packageFile)) {
        throw new Error(
            `No package.json in ${appDir}. Pass --app <dir> with a Functions app folder (package.json with "main").`,
        );
    }
    const main = (JSON.parse(readFileSync(packageFile, 'utf8')) as { main?: string }).main;
    if (!main) {
        throw new Error(
            `${packageFile} has no "main". Set it to the entry file or a glob of function files, e.g. "dist/src/functions/*.js".`,
        );
    }
    for (const pattern of sourcePatterns(appDir, main)) {
        const files = globFiles(appDir, pattern);
        if (files.length > 0) return { appDir, main, files, fromSources: true };
    }
    const files = globFiles(appDir, main);
    if (files.length === 0) {
        // The worker's own words: "Found zero files matching the supplied pattern" / "File does not exist"
        // (src/startApp.ts).
        const found = isPattern(main, appDir)
            ? 'Found zero files matching the supplied pattern'
            : 'File does not exist';
        throw new Error(
            `package.json "main" (${main}): ${found} in ${appDir}, and no TypeScript source maps to it. Build the app or fix "main".`,
        );
    }
    return { appDir, main, files, fromSources: false };
}

/**
 * `dist/src/functions/*.js` with outDir `dist` and rootDir `.` → `src/functions/*.ts`;
 * `dist/src/{index.js,functions/*.js}` → `src/{index.ts,functions/*.ts}` (each alternative of a brace).
 */
function sourcePatterns(appDir: string, main: string): string[] {
    const tsconfigFile = path.join(appDir, 'tsconfig.json');
    if (!existsSync(tsconfigFile)) return [];
    const options = readTsconfig(tsconfigFile).compilerOptions ?? {};
    if (!options.outDir) return [];
    const outDir = path.posix.normalize(options.outDir.replace(/\\/g, '/')).replace(/^\.\/|\/$/g, '');
    const normalized = path.posix.normalize(main.replace(/\\/g, '/')).replace(/^\.\//, '');
    if (!normalized.startsWith(`${outDir}/`)) return [];
    const rest = normalized.slice(outDir.length + 1).replace(/\.([mc]?)js(?=$|[,}])/g, '.$1ts');
    const roots = options.rootDir ? [options.rootDir] : ['.', 'src'];
    return roots.map((root) => path.posix.join(root.replace(/\\/g, '/'), rest));
}

export interface TsCompilerOptions {
    outDir?: string;
    rootDir?: string;
    module?: string;
    target?: string;
    esModuleInterop?: boolean;
}

export function readTsconfig(file: string): { extends?: string | string[]; compilerOptions?: TsCompilerOptions } {
    const text = readFileSync(file, 'utf8');
    try {
        return JSON.parse(text);
    } catch {
        // tsconfig allows comments and trailing commas
        return JSON.parse(text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1'));
    }
}
