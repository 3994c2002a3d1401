// `npm run bench`: bundles tools/bench with esbuild, then runs it (see tools/cli/compileTs.js). The load
// probe is compiled separately because it runs in fresh child processes.
const path = require('node:path');
const { compileTs, failWith, repoRoot } = require('../cli/compileTs');

const cli = compileTs(path.join(__dirname, 'cli.ts'), 'bench-cli.js');
const probe = compileTs(path.join(__dirname, 'loadProbe.ts'), 'bench-load-probe.js');
require(cli)
    .main(process.argv.slice(2), repoRoot, probe)
    .then((code) => {
        process.exitCode = code;
    })
    .catch((err) => failWith('bench', err));
