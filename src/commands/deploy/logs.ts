import { UserError } from '../../errors.js';
import { isServiceName, SERVICE_NAMES } from '../../deploy/layout.js';
import { defineCommand } from '../define-command.js';
import { durationInRange } from '../duration-option.js';
import { intInRange } from '../option-parsers.js';
import { deployIO, hostOptions, parseHostFlags, type HostFlags } from './host-flags.js';

interface LogsFlags extends HostFlags {
  follow?: boolean;
  since?: number;
  lines?: number;
}

/** `citystream logs [SERVICE]`: flags → streamLogs (src/deploy/operate.ts). */
export const logsCommand = defineCommand<LogsFlags>({
  name: 'logs',
  description: 'the journal of one or all services of a deployed stack, over SSH',
  examples: ['citystream logs processor', 'citystream logs -f', 'citystream logs api --since 10m --lines 50'],
  arguments: [{ name: '[service]', description: `one of ${SERVICE_NAMES.join(', ')} (default: all)` }],
  options: [
    ...hostOptions(),
    { flags: '-f, --follow', description: 'keep printing new lines until Ctrl-C' },
    {
      flags: '--since <d>',
      description: 'only lines newer than this (10m, 2h)',
      parse: durationInRange(1000, 365 * 86_400_000),
    },
    {
      flags: '--lines <n>',
      description: 'at most this many lines (the newest)',
      parse: intInRange(1, 1_000_000),
    },
  ],
  async handler(ctx, flags, args) {
    const service = args[0] as string | undefined;
    if (service !== undefined && !isServiceName(service))
      throw new UserError(`no service "${service}"`, {
        hint: `choose one of ${SERVICE_NAMES.join(', ')}`,
      });
    const { streamLogs } = await import('../../deploy/operate.js');
    await streamLogs(
      { stack: flags.stack, target: parseHostFlags(flags, ctx.io.cwd) },
      service,
      {
        follow: flags.follow,
        lines: flags.lines ?? (flags.follow || flags.since !== undefined ? undefined : 100),
        sinceSeconds: flags.since === undefined ? undefined : Math.max(1, Math.round(flags.since / 1000)),
      },
      await deployIO(ctx),
      (chunk) => ctx.io.stdout.write(chunk),
    );
  },
});
