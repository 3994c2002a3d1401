#!/usr/bin/env node
// Entry point of `npm start`: bundles the host's TypeScript with esbuild (fast, no tsc step) and runs it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

if (Number(process.versions.node.split('.')[0]) < 22) {
    process.stderr.write(`The local Durable host needs Node.js 22 or newer (this is ${process.version}).\n`);
    process.exit(1);
}
const { buildSync } = require('esbuild');

const outfile = path.join(__dirname, 'dist', 'host.js');
const built = buildSync({
    entryPoints: [path.join(__dirname, 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    sourcemap: true,
    packages: 'external',
    logLevel: 'warning',
    write: false,
});
// Atomic writes: hosts started at the same time (parallel tests) must never load a half-written file.
fs.mkdirSync(path.dirname(outfile), { recursive: true });
for (const file of built.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temp, file.contents);
    fs.renameSync(temp, file.path);
}
process.setSourceMapsEnabled(true);
require(outfile)
    .main(process.argv.slice(2))
    .catch((err) => {
        process.stderr.write(`local-host: ${err && err.message ? err.message : err}\n`);
        process.exit(1);
    });
