/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The pack test packs the package: never read the build it writes as tests or modules.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; tests are only transpiled, by swc (isolatedModules
  // makes that safe): 486 files in 0.3 s of CPU where TypeScript takes 6.5 s. Same target and module system as tsconfig.json.
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' }],
  },
  // Every core: Jest's default (cores - 1) runs the suites one after the other on a 2-core machine.
  maxWorkers: '100%',
  // Transforms and the suites' last durations (Jest runs the slowest first) in a folder the suite owns, not the
  // machine's shared temporary folder.
  cacheDirectory: '<rootDir>/.test-output/jest-cache',
  // The repository's own app imports the package by name, as a user's app does (tsconfig.json `paths`).
  moduleNameMapper: {
    '^modelstack$': '<rootDir>/lib/index.ts',
    '^modelstack/app$': '<rootDir>/bin/build.ts',
    '^modelstack/config$': '<rootDir>/config/index.ts',
    '^modelstack/runtime$': '<rootDir>/lambda/index.ts',
  },
  setupFiles: ['<rootDir>/test/support/typed-array-realms.ts'],
  // The run's own folder and the shipped environments synthesized once (test/support/global-setup.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
};
