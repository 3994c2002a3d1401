#!/usr/bin/env node
// Entry point of `npm start`: bundles the host's TypeScript with esbuild (fast, no tsc step) and runs it.
// The worker (the process the app runs in) is bundled beside it; the host forks it.
'use strict';
const path = require('node:path');

// node:sqlite (the store) loads without a flag from 22.13 and 23.4 (nodejs/node doc/api/sqlite.md history).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13) || (major === 23 && minor < 4)) {
    process.stderr.write(
        `The local Durable host needs Node.js 22.13 or newer (23.4 or newer on the 23 line; this is ${process.version}).\n`,
    );
    process.exit(1);
}
const { compileTs } = require('../cli/compileTs');

// Written atomically by compileTs: hosts started at the same time (parallel tests) never load a half-written file.
const outDir = path.join(__dirname, 'dist');
// Reused when none of its sources changed since the last build (a start, a restart, is 0.2 to 0.3 s shorter).
const worker = compileTs(path.join(__dirname, 'worker-process', 'workerMain.ts'), 'worker.js', {
    outDir,
    sourcemap: true,
    reuse: true,
});
const outfile = compileTs(path.join(__dirname, 'main.ts'), 'host.js', { outDir, sourcemap: true, reuse: true });
process.setSourceMapsEnabled(true);
require(outfile)
    .main(process.argv.slice(2), worker)
    .catch((err) => {
        process.stderr.write(`local-host: ${err && err.message ? err.message : err}\n`);
        process.exit(1);
    });
