// `npm run replay-check -- --data .durable-local`: bundles tools/replay-check with esbuild, then runs it (see
// tools/cli/compileTs.js).
const path = require('node:path');
const { compileTs, failWith } = require('../cli/compileTs');

require(compileTs(path.join(__dirname, 'cli.ts'), 'replay-check-cli.js'))
    .main(process.argv.slice(2))
    .then((code) => {
        process.exitCode = code;
    })
    .catch((err) => failWith('replay-check', err));
