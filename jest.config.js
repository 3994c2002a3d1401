const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
    // Jest's default (cores - 1) runs the suites one at a time on a 2-core machine; most suites wait on
    // child processes (local host, worker, browser) or load Pulumi, so two at a time fits two cores.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testEnvironment: 'node',
    roots: ['<rootDir>/test'],
    testMatch: ['**/*.test.ts'],
    transform: {
        // Type errors are caught by `tsc --noEmit` in `npm test`; ts-jest only transpiles, which keeps jest fast.
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    // A hang catcher, not a budget: tests wait on events (a port printed, a status reached, a process gone), each
    // bounded by test/support's HANG_MS, and a busy 2-core machine runs them 5-10 times slower than an idle one
    // (test/policy/analyzer's hook took 11 s idle and over 30 s busy). A passing test never comes near it.
    testTimeout: 180_000,
    // A worker gets 500 ms by default to exit after the run, then jest kills it and warns of leaks. Measured: the
    // workers' 'exit' event fires within 1 ms of jest's end message (no handle keeps them), then the process needs
    // 0.4 s idle, more when busy, to free its heap (0.8-1 GB after the Pulumi suites); the warning was that, not a
    // leak.
    workerGracefulExitTimeout: 10_000,
    reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
    globalSetup: '<rootDir>/test/support/globalSetup.js',
    globalTeardown: '<rootDir>/test/support/globalTeardown.js',
};
