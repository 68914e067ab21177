import { UserError } from '../errors.js';
import type { ServiceName } from './layout.js';
import type { DeployOptions } from './options.js';
import { parseHealth, unhealthy } from './plan.js';
import { healthProbeStep } from './remote/commands.js';
import type { SshExecutor } from './ssh/executor.js';

/** What the health wait needs of the deploy's IO. */
export interface HealthIO {
  info(line: string): void;
  progress?(
    text: string,
  ): Promise<{ update(text: string): void; succeed(text: string): void; fail(text: string): void }>;
  signal: AbortSignal;
}

/** The service that was not healthy in time, and why: the deploy rolls back and shows its journal. */
export class HealthError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly why: string,
  ) {
    super(why);
  }
}

/**
 * Polls the health probe every second until every unit is active, the API answers 200, Prometheus and
 * Grafana (with --monitoring) answer 200, and the processor group is Stable; a HealthError after timeoutMs.
 */
export async function waitHealthy(
  ssh: SshExecutor,
  services: readonly ServiceName[],
  options: Pick<DeployOptions, 'ports'>,
  io: HealthIO,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const progress = await io.progress?.('waiting for the services to become healthy');
  const healthy = services.includes('prometheus')
    ? 'healthy: every unit active, API, Prometheus and Grafana answer, processor group Stable'
    : 'healthy: every unit active, API answers, processor group Stable';
  for (;;) {
    if (io.signal.aborted) throw new UserError('interrupted while waiting for the services');
    const probe = healthProbeStep(services, options.ports);
    const report = parseHealth((await ssh.run(probe, { signal: io.signal })).stdout);
    const last = unhealthy(report, services);
    if (!last) {
      progress?.succeed(healthy);
      if (!progress) io.info(healthy);
      return;
    }
    progress?.update(`waiting for the services to become healthy: ${last.why}`);
    if (Date.now() > deadline) {
      progress?.fail(`not healthy after ${Math.round(timeoutMs / 1000)} s: ${last.why}`);
      throw new HealthError(last.service, last.why);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
