// `npm run package`: bundles the command (cli.ts, over infra/package) with esbuild, then runs it (see
// tools/cli/compileTs.js).
const path = require('node:path');
const { compileTs, failWith, repoRoot } = require('../cli/compileTs');

try {
    process.exitCode = require(compileTs(path.join(__dirname, 'cli.ts'), 'package-cli.js')).main(
        process.argv.slice(2),
        repoRoot,
    );
} catch (err) {
    failWith('package', err instanceof Error ? err.message : err);
}
