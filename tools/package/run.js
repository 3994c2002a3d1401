// `npm run package`: bundles tools/package with esbuild, then runs it (see tools/compileTs.js).
const path = require('node:path');
const { compileTs, failWith, repoRoot } = require('../compileTs');

try {
    process.exitCode = require(compileTs(path.join(__dirname, 'cli.ts'), 'package-cli.js')).main(process.argv.slice(2), repoRoot);
} catch (err) {
    failWith('package', err instanceof Error ? err.message : err);
}
