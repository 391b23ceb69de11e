// The three-broker fault scenarios (npm run test:faults:cluster, FAULTS_BROKERS=3): the fault
// suite's setup and teardown on a cluster stack, its own spec file.
const base = require('./jest.config');

module.exports = { ...base, displayName: 'faults-cluster', testMatch: ['<rootDir>/test/faults/*.cluster-spec.ts'] };
