import { renderTable } from '../../ui/table.js';
import { defineCommand } from '../define-command.js';
import { deployIO, hostOptions, parseHostFlags, type HostFlags } from './host-flags.js';

/** `citystream status`: flags → stackStatus (src/deploy/operate.ts). */
export const statusCommand = defineCommand<HostFlags>({
  name: 'status',
  description: 'per service of a deployed stack: systemd state, since, restarts; API health; lag; release',
  examples: [
    'citystream status',
    'citystream status --stack prod --json',
    'citystream status --host root@10.0.0.5',
  ],
  options: hostOptions(),
  async handler(ctx, flags) {
    const { stackStatus } = await import('../../deploy/operate.js');
    const status = await stackStatus(
      { stack: flags.stack, target: parseHostFlags(flags, ctx.io.cwd) },
      await deployIO(ctx),
    );
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
      const health =
        status.api.health === 200 ? 'ok' : status.api.health ? `HTTP ${status.api.health}` : 'no answer';
      return `stack ${status.stack} on ${status.host}, release ${status.release ?? 'none'}\n${units}\nAPI ${status.api.url}: ${health}\n${lagText}`;
    });
  },
});
