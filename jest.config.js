/** ts-jest in ESM mode: the project is "type": "module" because lowdb is ESM-only. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  setupFilesAfterEnv: ['<rootDir>/test/helpers/setupNetwork.ts'],
  globalSetup: '<rootDir>/test/helpers/tempDirSetup.mjs',
  globalTeardown: '<rootDir>/test/helpers/tempDirTeardown.mjs',
  testTimeout: 20000,
};
