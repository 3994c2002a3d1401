// Every temp folder the tests make through os.tmpdir() (local host data, Azurite, Chromium profiles, repository
// copies) goes in one folder per run, removed by globalTeardown.js: each run used to leave about 40 in /tmp.
// os.tmpdir() reads TMPDIR (TEMP/TMP on Windows) at each call, and jest's workers inherit this environment.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-hello-tests-'));
    process.env.DURABLE_HELLO_TESTS_TMP = dir;
    for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = dir;
};
