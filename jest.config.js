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
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
