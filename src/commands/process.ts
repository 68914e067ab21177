import { Command, Option } from 'commander';
import { type CommandModule, withExamples } from './command.js';
import { intInRange, numberInRange } from './option-parsers.js';

export interface ProcessFlags {
  group?: string;
  window?: number;
  watermark?: number;
  alertSeverities?: string;
  console?: boolean;
  metricsPort?: number;
  sink: 'dynamodb' | 'none';
  fromBeginning: boolean;
  /** Hidden: the idle tick's period in ms (tests). */
  tickMs?: number;
}

export const processCommand: CommandModule = {
  name: 'process',
  register(program, services) {
    const cmd = new Command('process')
      .description(
        'run the stream processor: raw events, alerts, 5-minute windows and daily rollups into DynamoDB, exactly once',
      )
      .option('--group <id>', 'consumer group (default citystream-processor)')
      .option('--window <minutes>', 'tumbling window size in minutes (default 5)', numberInRange(0.01, 1440))
      .option(
        '--watermark <minutes>',
        'allowed lateness in minutes; older events are late (default 10)',
        numberInRange(0, 1440),
      )
      .option('--alert-severities <list>', 'severities that raise an alert (default high,critical)')
      .option('--console', 'show a live view of the open windows, lag and throughput')
      .option(
        '--metrics-port <port>',
        'serve Prometheus metrics on this port (0: any free port)',
        intInRange(0, 65535),
      )
      .addOption(
        new Option('--sink <sink>', 'where results go; none measures the processing alone')
          .choices(['dynamodb', 'none'])
          .default('dynamodb'),
      )
      .option('--from-beginning', 'a group with no committed offsets starts at the oldest message', true)
      .option('--no-from-beginning', 'a group with no committed offsets starts at new messages only')
      .addOption(
        new Option('--tick-ms <ms>', 'idle tick period').argParser(intInRange(10, 60_000)).hideHelp(),
      )
      .action(async (flags: ProcessFlags, self: Command) => {
        const ctx = await services.context(self, {
          group: flags.group,
          windowMinutes: flags.window,
          watermarkMinutes: flags.watermark,
          alertSeverities: flags.alertSeverities,
        });
        const { runProcess } = await import('../processor/start-processor.js');
        await runProcess(ctx, flags);
      });
    withExamples(cmd, [
      'citystream process',
      'citystream process --console',
      'citystream process --metrics-port 9464 --group citystream-processor',
      'citystream process --window 1 --watermark 2 --alert-severities critical',
      'citystream process --sink none --json --console   # compute cost alone, NDJSON stats',
    ]);
    program.addCommand(cmd);
  },
};
