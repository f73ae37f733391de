import { defineConfig } from 'vitest/config';

// Three projects so a developer can run one layer at a time (npm run test:unit …);
// `npm test` runs them all. Browser tests run one file at a time: the machine has two cores
// and each file starts its own server and Chromium.
export default defineConfig({
  test: {
    // A certificate for the local push service, trusted through NODE_EXTRA_CA_CERTS by the workers.
    globalSetup: ['test/helpers/global-setup.ts'],
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
