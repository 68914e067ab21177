import { ServiceError } from '../errors.js';
import { unitName, unitPath, type ServiceName } from './layout.js';
import type { DeployOptions } from './options.js';
import type { DeployPlan } from './plan.js';
import { journalTailStep, rollbackStep } from './remote/commands.js';
import type { SshExecutor } from './ssh/executor.js';
import { HealthError, waitHealthy, type HealthIO } from './health-wait.js';

const JOURNAL_LINES = 20;

/**
 * After a failed health wait: reads the failing unit's journal, puts the previous release and the files
 * this deploy replaced back (units it added are stopped and removed), restarts what it had touched, waits
 * for health again, and returns the one error the deploy fails with. Any other failure is returned as is.
 */
export async function rollBack(
  ssh: SshExecutor,
  plan: DeployPlan,
  services: readonly ServiceName[],
  options: Pick<DeployOptions, 'ports' | 'healthTimeoutMs'>,
  io: HealthIO,
  failure: unknown,
): Promise<Error> {
  if (!(failure instanceof HealthError)) return failure as Error;
  const logs = await ssh
    .run(journalTailStep(failure.service, JOURNAL_LINES))
    .then((r) => r.stdout.trimEnd())
    .catch(() => '(could not read the journal)');
  const tail = `last lines of ${unitName(failure.service)}:\n${indent(logs)}`;
  if (!plan.previousRelease) {
    return new ServiceError(
      `deploy of ${plan.releaseId} failed: ${failure.why}; there is no previous release to restore\n${tail}`,
      {
        hint: `the units stay as they are for inspection: \`citystream logs ${failure.service}\`; fix and deploy again, or \`citystream teardown\``,
      },
    );
  }
  io.info(`rolling back to release ${plan.previousRelease}`);
  // A unit whose file this deploy created has nothing to go back to: it is stopped, and its file removed.
  const added = services.filter((s) => plan.writes.some((w) => w.path === unitPath(s) && !w.existed));
  const kept = services.filter((s) => !added.includes(s));
  await ssh.run(
    rollbackStep({
      previousRelease: plan.previousRelease,
      files: plan.writes.map((w) => ({ path: w.path, existed: w.existed })),
      stop: added,
      restart: kept.filter((s) => plan.restart.includes(s) || plan.start.includes(s)),
    }),
  );
  const restored = await waitHealthy(ssh, kept, options, io, options.healthTimeoutMs).then(
    () => 'it is healthy again',
    (err: unknown) => `but it is not healthy either (${err instanceof Error ? err.message : String(err)})`,
  );
  return new ServiceError(
    `deploy of ${plan.releaseId} failed: ${failure.why}; rolled back to release ${plan.previousRelease}, ${restored}\n${tail}`,
    { hint: 'fix the build or configuration and deploy again' },
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
