// `npm test`'s first step: the type-checks, the linter and the format check, side by side (each alone leaves a
// core idle on a 2-core machine). Prints each command's output as it finishes; fails when any of them fails.
const { spawn } = require('node:child_process');

const CHECKS = [
    ['tsc', '--noEmit', '-p', '.'],
    ['tsc', '--noEmit', '-p', 'app'],
    ['tsc', '--noEmit', '-p', 'tools/local-host/dashboard'],
    ['eslint', '.'],
    ['prettier', '--check', '.'],
];

function run(command) {
    return new Promise((resolve) => {
        const child = spawn(command[0], command.slice(1), { shell: process.platform === 'win32' });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('error', (err) => resolve({ command, code: 1, output: `${output}${err.message}\n` }));
        child.on('close', (code) => resolve({ command, code: code ?? 1, output }));
    });
}

Promise.all(CHECKS.map(run)).then((results) => {
    for (const { command, code, output } of results) {
        process.stdout.write(`${code === 0 ? 'ok' : 'FAILED'}: ${command.join(' ')}\n${output}`);
    }
    process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
});
