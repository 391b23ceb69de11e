// Three sizes of tests: unit specs beside the code (no infrastructure), and e2e specs under
// test/ that drive the real services on a real Kafka broker and MongoDB-wire database.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } }];
const moduleNameMapper = { '^@app/(.*)$': '<rootDir>/libs/$1/src' };

module.exports = {
  // e2e suites share one running system (and one of them restarts services): one file at a time.
  maxWorkers: 1,
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/web/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts', '<rootDir>/test/faults/*.spec.ts', '<rootDir>/scripts/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/test/support/unit-setup.ts'],
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      testEnvironment: 'node',
      setupFiles: ['reflect-metadata'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
