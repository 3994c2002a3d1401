// Removes the run's temp folder (see globalSetup.js).
const fs = require('node:fs');

module.exports = () => {
    const dir = process.env.DURABLE_HELLO_TESTS_TMP;
    if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
};
