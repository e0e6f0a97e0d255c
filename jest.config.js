/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The pack test packs the package: never read the build it writes as tests or modules.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; ts-jest only transpiles (isolatedModules).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // The repository's own app imports the package by name, as a user's app does (tsconfig.json `paths`).
  moduleNameMapper: {
    '^modelstack$': '<rootDir>/lib/index.ts',
    '^modelstack/app$': '<rootDir>/bin/build.ts',
    '^modelstack/config$': '<rootDir>/config/index.ts',
    '^modelstack/runtime$': '<rootDir>/lambda/index.ts',
  },
  setupFiles: ['<rootDir>/test/support/typed-array-realms.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
};
