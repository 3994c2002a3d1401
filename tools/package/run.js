// `npm run package`: compiles tools/package (TypeScript) into one file with esbuild, then runs it.
// Plain Node cannot load the .ts sources; this keeps the CLI fast without ts-node or a tsc step.
const path = require('node:path');
const esbuild = require('esbuild');

const repoRoot = path.resolve(__dirname, '..', '..');
const outfile = path.join(repoRoot, 'dist', 'tools', 'package-cli.js');
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
try {
    require(outfile).main(process.argv.slice(2), repoRoot);
} catch (err) {
    console.error(`package: ${err instanceof Error ? err.message : err}`);
    process.exitCode = 1;
}
