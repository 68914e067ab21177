import { Command } from 'commander';
import { UserError } from '../../errors.js';
import { isServiceName, SERVICE_NAMES } from '../../deploy/layout.js';
import { type CommandModule, withExamples } from '../command.js';
import { durationInRange } from '../duration-option.js';
import { intInRange } from '../option-parsers.js';
import { addHostFlags, deployIO, parseHostFlags, type HostFlags } from './host-flags.js';

interface LogsFlags extends HostFlags {
  follow?: boolean;
  since?: number;
  lines?: number;
}

/** `citystream logs [SERVICE]`: flags → streamLogs (src/deploy/operate.ts). */
export const logsCommand: CommandModule = {
  name: 'logs',
  register(program, services) {
    const cmd = addHostFlags(
      new Command('logs')
        .description('the journal of one or all services of a deployed stack, over SSH')
        .argument('[service]', `one of ${SERVICE_NAMES.join(', ')} (default: all)`),
    )
      .option('-f, --follow', 'keep printing new lines until Ctrl-C')
      .option('--since <d>', 'only lines newer than this (10m, 2h)', durationInRange(1000, 365 * 86_400_000))
      .option('--lines <n>', 'at most this many lines (the newest)', intInRange(1, 1_000_000))
      .action(async (service: string | undefined, flags: LogsFlags, self: Command) => {
        if (service !== undefined && !isServiceName(service))
          throw new UserError(`no service "${service}"`, {
            hint: `choose one of ${SERVICE_NAMES.join(', ')}`,
          });
        const ctx = await services.context(self);
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
      });
    withExamples(cmd, [
      'citystream logs processor',
      'citystream logs -f',
      'citystream logs api --since 10m --lines 50',
    ]);
    program.addCommand(cmd);
  },
};
