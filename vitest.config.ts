import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/local-engines.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // DynamoDB Local is one JVM on a 2-core machine: a few files at once keep it busy without starving it.
    maxWorkers: 2,
    // The handlers log JSON lines at INFO on Lambda; in tests only warnings and errors are worth reading.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
});
