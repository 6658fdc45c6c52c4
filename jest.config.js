/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // test/cluster needs `npm run cluster` running: npm test runs it as a tier of its own afterwards
  // (scripts/test-all.ts), as does `npm run test:cluster`
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  testTimeout: 120_000,
  // Each file starts its own Temporal server; sharing one process keeps memory in check on 2 cores.
  maxWorkers: 1,
  // CI reads a run's closing line: see test/reporters/closing-line.js
  reporters: ['default', '<rootDir>/test/reporters/closing-line.js'],
};
