import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/e2e/**', 'test/lib/**'],
          env: {
            TABLE_NAME: 'unit-test',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            LOG_LEVEL: 'SILENT',
          },
        },
      },
      {
        test: {
          name: 'stack',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // Builds the portal, then starts one local stack for the run (inject('local')).
          globalSetup: ['test/e2e/build-portal.ts', 'test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { LOG_LEVEL: 'SILENT' },
        },
      },
      {
        test: {
          name: 'cdk',
          include: ['test/lib/**/*.test.ts'],
          // The stack deploys portal/dist; synthesis warns (and cdk-nag's test fails) without it.
          globalSetup: ['test/e2e/build-portal.ts'],
          // A synthesis bundles every handler (45 now) with esbuild: minutes on a busy 2-core machine.
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
