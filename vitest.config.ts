import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The two end-to-end deploys onto this machine (test/deploy/host-deploy.test.ts and host-monitoring.test.ts)
 * use the same fixed host paths (/opt/citystream, the citystream user, the units), so they must never run
 * at the same time: the monitoring one is a project of its own, run after everything else (groupOrder).
 */
const AFTER_THE_REST = ['test/deploy/host-monitoring.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites start servers and child processes; two cores do not reward more forks.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'citystream',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...AFTER_THE_REST],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'host-monitoring', include: AFTER_THE_REST, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
