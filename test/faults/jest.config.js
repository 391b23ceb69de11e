// The fault-injection suite (npm run test:faults): kills services, restarts the broker and the
// database of a private stack under load. Not one of the default projects: see README.
const root = require('path').resolve(__dirname, '..', '..');
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } }];

module.exports = {
  rootDir: root,
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/*.faults-spec.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 600_000,
  slowTestThreshold: 120,
};
