/** Jest runs in ESM mode: Nest 12 is ESM-only and Node 20 cannot require() it inside jest. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  setupFiles: ['<rootDir>/test/setup-env.cjs'],
  globalSetup: '<rootDir>/test/global-setup.cjs',
  // Redis-only suites (multi-node, TTLs) run under `npm run test:redis`
  testPathIgnorePatterns: process.env.TEST_ENGINE === 'redis' ? ['/node_modules/'] : ['/node_modules/', '/test/redis/'],
  testTimeout: 20000,
};
