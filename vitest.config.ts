import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites start servers and child processes; two cores do not reward more forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
