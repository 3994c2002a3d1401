// `npm run bench`: compiles tools/bench (TypeScript) with esbuild, then runs it. Plain Node cannot load
// the .ts sources; the probe is compiled separately because it runs in fresh child processes.
const path = require('node:path');
const esbuild = require('esbuild');

const repoRoot = path.resolve(__dirname, '..', '..');
const outDir = path.join(repoRoot, 'dist', 'tools');
const compile = (entry, outfile) =>
    esbuild.buildSync({
        entryPoints: [path.join(__dirname, entry)],
        outfile: path.join(outDir, outfile),
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        packages: 'external',
        logLevel: 'warning',
    });
compile('cli.ts', 'bench-cli.js');
compile('loadProbe.ts', 'bench-load-probe.js');
require(path.join(outDir, 'bench-cli.js'))
    .main(process.argv.slice(2), repoRoot, path.join(outDir, 'bench-load-probe.js'))
    .catch((err) => {
        console.error(`bench: ${err instanceof Error ? err.stack : err}`);
        process.exitCode = 1;
    });
