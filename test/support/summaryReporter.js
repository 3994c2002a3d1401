// Writes jest's aggregated counts to .test-results/summary.json for .ci/run's closing `tests:` line.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
    constructor(globalConfig) {
        this.file = path.join(globalConfig.rootDir, '.test-results', 'summary.json');
    }

    onRunComplete(_contexts, results) {
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        const summary = {
            passed: results.numPassedTests,
            failed: results.numFailedTests,
            failedSuites: results.numFailedTestSuites,
            suiteErrors: results.numRuntimeErrorTestSuites,
            total: results.numTotalTests,
        };
        fs.writeFileSync(this.file, JSON.stringify(summary, null, 2));
    }
}

module.exports = SummaryReporter;
