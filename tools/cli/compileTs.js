// Shared by the npm-script launchers (package, smoke, bench): plain Node cannot load our .ts sources,
// so each launcher bundles its TypeScript entry with esbuild into dist/tools/ and requires the result.
// Written atomically so launchers started at the same time (parallel tests) never load a half-written file.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const repoRoot = path.resolve(__dirname, '../..');
const outDir = path.join(repoRoot, 'dist', 'tools');

/**
 * Bundles `entry` (a .ts path) to <outDir>/<outName> (default dist/tools/) and returns the output path;
 * `sourcemap` writes the map beside it.
 */
function compileTs(entry, outName, { outDir: dir = outDir, sourcemap = false } = {}) {
    const outfile = path.join(dir, outName);
    const built = esbuild.buildSync({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        packages: 'external',
        sourcemap,
        logLevel: 'warning',
        write: false,
    });
    fs.mkdirSync(dir, { recursive: true });
    for (const file of built.outputFiles) {
        const temp = `${file.path}.${process.pid}.tmp`;
        fs.writeFileSync(temp, file.contents);
        fs.renameSync(temp, file.path);
    }
    return outfile;
}

/** Reports a launcher's failure as `<tool>: message` and sets a failing exit code. */
function failWith(tool, err) {
    console.error(`${tool}: ${err instanceof Error ? err.stack || err.message : err}`);
    process.exitCode = 1;
}

module.exports = { compileTs, failWith, repoRoot };
