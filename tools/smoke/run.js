// `npm run smoke -- <starterUrl>`: compiles tools/smoke (TypeScript) into one file with esbuild, then runs it.
// Plain Node cannot load the .ts sources on every Node 22 release; this needs nothing beyond `npm ci`.
const path = require('node:path');
const esbuild = require('esbuild');

const repoRoot = path.resolve(__dirname, '..', '..');
const outfile = path.join(repoRoot, 'dist', 'tools', 'smoke-cli.js');
esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
});
require(outfile)
    .main(process.argv.slice(2))
    .then((code) => {
        process.exitCode = code;
    })
    .catch((err) => {
        console.error(`smoke: ${err instanceof Error ? err.stack : err}`);
        process.exitCode = 1;
    });
