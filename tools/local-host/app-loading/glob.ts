import * as path from 'node:path';
import globby = require('globby');

/**
 * Expands package.json `main` the way the Node worker does: `globby(main, { cwd: appDir })` with
 * globby 11 (braces, `**`, extglobs, directories expanded to their files), files in globby's order
 * (azure-functions-nodejs-worker src/startApp.ts loadEntryPointFile; its package.json pins globby ^11).
 * Returns absolute paths.
 */
export function globFiles(baseDir: string, pattern: string): string[] {
    return globby.sync(pattern, { cwd: baseDir }).map((file) => path.join(baseDir, file));
}

/** Whether `main` is a pattern rather than a file name (the worker's "Found zero files" vs "File does not exist"). */
export function isPattern(pattern: string, baseDir: string): boolean {
    return globby.hasMagic(pattern, { cwd: baseDir });
}
