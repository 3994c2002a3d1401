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
 * `sourcemap` writes the map beside it. `reuse`: an output built by the same esbuild from sources none
 * of which changed since is used as it is (the local host's start: a build costs 0.2 to 0.3 s); the
 * sources are those the last build read, listed beside the output (`<outName>.inputs.json`).
 */
function compileTs(entry, outName, { outDir: dir = outDir, sourcemap = false, reuse = false } = {}) {
    const outfile = path.join(dir, outName);
    const manifest = `${outfile}.inputs.json`;
    if (reuse && upToDate(outfile, manifest, sourcemap)) return outfile;
    const startedAt = Date.now();
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
        metafile: reuse,
        absWorkingDir: repoRoot,
    });
    fs.mkdirSync(dir, { recursive: true });
    const writeAtomically = (file, contents) => {
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, contents);
        fs.renameSync(temp, file);
    };
    for (const file of built.outputFiles) writeAtomically(file.path, file.contents);
    if (reuse) {
        const inputs = Object.keys(built.metafile.inputs).map((input) => path.resolve(repoRoot, input));
        writeAtomically(manifest, JSON.stringify({ esbuild: esbuild.version, sourcemap, startedAt, inputs }));
    }
    return outfile;
}

/**
 * Whether the output exists and was built, by this esbuild with these options, after the last change to any of its
 * sources.
 */
function upToDate(outfile, manifest, sourcemap) {
    try {
        const built = JSON.parse(fs.readFileSync(manifest, 'utf8'));
        if (built.esbuild !== esbuild.version || built.sourcemap !== sourcemap || !fs.existsSync(outfile)) return false;
        if (sourcemap && !fs.existsSync(`${outfile}.map`)) return false;
        return built.inputs.length > 0 && built.inputs.every((input) => fs.statSync(input).mtimeMs < built.startedAt);
    } catch {
        return false;
    }
}

/** Reports a launcher's failure as `<tool>: message` and sets a failing exit code. */
function failWith(tool, err) {
    console.error(`${tool}: ${err instanceof Error ? err.stack || err.message : err}`);
    process.exitCode = 1;
}

module.exports = { compileTs, failWith, repoRoot };
