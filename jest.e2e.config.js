/** Browser end-to-end tests: Debian's Chromium driven by playwright-core (see test/e2e). */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['**/*.e2e.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
