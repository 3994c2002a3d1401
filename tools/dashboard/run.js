// `npm run dashboard -- --stack <stack>`: bundles tools/dashboard with esbuild, then runs it (see
// tools/cli/compileTs.js).
const path = require('node:path');
const { compileTs, failWith } = require('../cli/compileTs');

require(compileTs(path.join(__dirname, 'cli.ts'), 'dashboard-cli.js'))
    .main(process.argv.slice(2))
    .then((code) => {
        process.exitCode = code;
    })
    .catch((err) => failWith('dashboard', err));
