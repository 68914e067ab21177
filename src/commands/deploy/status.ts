import { stackMode } from '../../deploy/stack-mode.js';
import { stacksDir } from '../../deploy/stack-record.js';
import { renderTable } from '../../ui/table.js';
import type { Context } from '../context.js';
import { defineCommand } from '../define-command.js';
import type { AwsOverrides } from './aws.js';
import { deployIO, hostOptions, parseHostFlags, type HostFlags } from './host-flags.js';

/**
 * `citystream status`: with --host, or a --host record of the stack and no AWS record, flags →
 * stackStatus (src/deploy/operate.ts); otherwise the AWS stack's tagged resources and services.
 */
export async function runStatus(ctx: Context, flags: HostFlags, aws: AwsOverrides = {}): Promise<void> {
  const target = parseHostFlags(flags, ctx.io.cwd);
  if (!target && (await stackMode(stacksDir(ctx.io.cwd, ctx.config.dataDir), flags.stack)) === 'aws') {
    const { statusAws } = await import('./aws.js');
    return statusAws(ctx, { stack: flags.stack }, aws);
  }
  const { stackStatus } = await import('../../deploy/operate.js');
  const status = await stackStatus({ stack: flags.stack, target }, await deployIO(ctx));
  ctx.out.result(status, () => {
    const units = renderTable(
      ['service', 'state', 'since', 'restarts', 'enabled'],
      status.services.map((s) => [
        s.service,
        `${s.state}${s.subState ? ` (${s.subState})` : ''}`,
        s.since ?? '-',
        s.restarts ?? '-',
        s.enabled || '-',
      ]),
    );
    const lag = status.lag as {
      group?: string;
      state?: string;
      partitions?: Array<Record<string, unknown>>;
      total_lag?: number;
      error?: string;
    } | null;
    const lagText = !lag
      ? 'lag: -'
      : lag.error
        ? `lag: ${lag.error}`
        : `group ${lag.group ?? ''} (${lag.state ?? '-'}), total lag ${lag.total_lag ?? '-'}\n` +
          renderTable(
            ['topic', 'partition', 'committed', 'log end', 'lag'],
            (lag.partitions ?? []).map((p) => [
              String(p.topic),
              String(p.partition),
              String(p.committed_offset ?? '-'),
              String(p.log_end_offset),
              String(p.lag),
            ]),
          );
    const answer = (code: number | null, ok: string) =>
      code === 200 ? ok : code ? `HTTP ${code}` : 'no answer';
    const health = answer(status.api.health, 'ok');
    const monitoring = status.monitoring
      ? `Prometheus ${status.monitoring.prometheus.address} on the host: ${answer(status.monitoring.prometheus.ready, 'ready')}; ` +
        `Grafana ${status.monitoring.grafana.address}: ${answer(status.monitoring.grafana.health, 'ok')} (citystream tunnel grafana|prometheus)\n`
      : '';
    return `stack ${status.stack} on ${status.host}, release ${status.release ?? 'none'}\n${units}\nAPI ${status.api.url}: ${health}\n${monitoring}${lagText}`;
  });
}

export const statusCommand = defineCommand<HostFlags>({
  name: 'status',
  description:
    "a deployed stack: on AWS every tagged resource and its state, then the services'; on a host (--host, or its record) per service systemd state, since, restarts; API health; lag; release",
  examples: [
    'citystream status --stack demo',
    'citystream status --stack demo --region eu-west-1 --json',
    'citystream status --host root@10.0.0.5',
    'citystream status --stack prod --json',
  ],
  options: hostOptions(),
  handler: (ctx, flags) => runStatus(ctx, flags),
});
