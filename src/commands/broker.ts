import path from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../errors.js';
import { type CommandModule, withExamples } from './command.js';
import { intInRange, numberInRange, oneOf } from './option-parsers.js';
import { listenError } from '../clients/listen-error.js';
import { untilAborted } from './until-aborted.js';

interface BrokerFlags {
  port?: number;
  host: string;
  advertisedHost?: string;
  dataDir?: string;
  partitions?: number;
  fsync: 'always' | 'interval' | 'never';
  retentionHours: number;
}

/**
 * `citystream broker`: the embedded Kafka-protocol broker on its own, until SIGINT/SIGTERM (ctx.signal).
 * `citystream up` starts the same broker (startBroker) next to the other engines.
 */
export const brokerCommand: CommandModule = {
  name: 'broker',
  register(program, services) {
    const cmd = new Command('broker')
      .description('run the embedded single-node Kafka-protocol broker (for kafkajs, kcat and librdkafka)')
      .addOption(
        new Option(
          '--port <port>',
          'port to listen on (0: any free port; default: setting brokerPort, 9092)',
        ).argParser(intInRange(0, 65535)),
      )
      .option('--host <address>', 'address to listen on and advertise', '127.0.0.1')
      .option('--advertised-host <address>', 'address given to clients in Metadata (default: --host)')
      .option(
        '--data-dir <dir>',
        'where the log lives (default: <dataDir setting>/kafka, i.e. .citystream/kafka)',
      )
      .addOption(
        new Option(
          '--partitions <n>',
          'partitions of auto-created topics (default: setting partitions, 6)',
        ).argParser(intInRange(1, 1000)),
      )
      .addOption(
        new Option(
          '--fsync <policy>',
          'always: fsync before acknowledging; interval: every second; never: leave it to the OS',
        )
          .argParser(oneOf(['always', 'interval', 'never']))
          .default('always'),
      )
      .addOption(
        new Option('--retention-hours <h>', 'delete log segments older than this')
          .argParser(numberInRange(0.01, 24 * 365))
          .default(24),
      )
      .action(async (flags: BrokerFlags, self: Command) => {
        const ctx = await services.context(self, { partitions: flags.partitions });
        const { startBroker } = await import('../broker/broker.js');
        const dataDir = path.resolve(ctx.io.cwd, flags.dataDir ?? path.join(ctx.config.dataDir, 'kafka'));
        const port = flags.port ?? ctx.config.brokerPort;
        const broker = await startBroker({
          host: flags.host,
          advertisedHost: flags.advertisedHost,
          port,
          dataDir,
          partitions: ctx.config.partitions,
          fsync: flags.fsync,
          retentionMs: Math.round(flags.retentionHours * 3600 * 1000),
          log: (line) => ctx.out.info(`broker: ${line}`),
        }).catch((err: unknown) => {
          throw brokerStartError(err, flags.host, port);
        });
        ctx.out.result(
          { bootstrap: broker.bootstrap, host: broker.host, port: broker.port, dataDir },
          () => `broker listening on ${broker.bootstrap} (data in ${dataDir})`,
        );
        ctx.out.info('press Ctrl-C to stop');
        await untilAborted(ctx.signal);
        ctx.out.info('stopping the broker: closing connections and syncing the log');
        await broker.close();
        ctx.out.info('broker stopped');
      });
    withExamples(cmd, [
      'citystream broker',
      'citystream broker --port 19092 --data-dir /tmp/kafka --partitions 3',
      'kcat -b 127.0.0.1:9092 -L',
    ]);
    program.addCommand(cmd);
  },
};

function brokerStartError(err: unknown, host: string, port: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'ENOTDIR' || code === 'EROFS' || code === 'EEXIST')
    return new UserError(`cannot use the data directory (${code})`, {
      hint: 'pick another --data-dir',
      cause: err,
    });
  return listenError(err, {
    service: 'the broker',
    host,
    port,
    flag: '--port',
    usual: 'another broker or Kafka?',
  });
}
