/** Jest runs in ESM mode: Nest 12 is ESM-only and Node 20 cannot require() it inside jest. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/packages'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  setupFiles: ['<rootDir>/test/setup-env.cjs'],
  globalSetup: '<rootDir>/test/global-setup.cjs',
  // Redis-only suites (multi-node, TTLs) run under `npm run test:redis`; the browser suite (needs chromium) under `npm run test:browser`
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.TEST_ENGINE === 'redis' ? [] : ['/test/redis/']),
    ...(process.env.TEST_BROWSER === '1' ? [] : ['/test/browser/']),
  ],
  testTimeout: 20000,
};
