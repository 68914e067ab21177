import path from 'node:path';
import { UserError } from '../errors.js';
import { defineCommand } from './define-command.js';
import { numberInRange, oneOf } from './option-parsers.js';
import { runUntilStopped } from './run-until-stopped.js';

interface BrokerFlags {
  host: string;
  advertisedHost?: string;
  dataDir?: string;
  fsync: 'always' | 'interval' | 'never';
  retentionHours: number;
}

/**
 * `citystream broker`: the embedded Kafka-protocol broker on its own, until Ctrl-C. `citystream up` starts
 * the same broker (startBroker) next to the other engines.
 */
export const brokerCommand = defineCommand<BrokerFlags>({
  name: 'broker',
  description: 'run the embedded single-node Kafka-protocol broker (for kafkajs, kcat and librdkafka)',
  examples: [
    'citystream broker',
    'citystream broker --port 19092 --data-dir /tmp/kafka --partitions 3',
    'kcat -b 127.0.0.1:9092 -L',
  ],
  settings: [
    { key: 'brokerPort', flag: '--port <port>', description: 'port to listen on (0: any free port)' },
    'partitions',
  ],
  options: [
    { flags: '--host <address>', description: 'address to listen on and advertise', default: '127.0.0.1' },
    {
      flags: '--advertised-host <address>',
      description: 'address given to clients in Metadata (default: --host)',
    },
    { flags: '--data-dir <dir>', description: 'where the log lives (default: <dataDir setting>/kafka)' },
    {
      flags: '--fsync <policy>',
      description: 'always: fsync before acknowledging; interval: every second; never: leave it to the OS',
      parse: oneOf(['always', 'interval', 'never']),
      default: 'always',
    },
    {
      flags: '--retention-hours <h>',
      description: 'delete log segments older than this',
      parse: numberInRange(0.01, 24 * 365),
      default: 24,
    },
  ],
  async handler(ctx, flags) {
    const [{ startBroker }, { listenError }] = await Promise.all([
      import('../broker/broker.js'),
      import('../clients/listen-error.js'),
    ]);
    const dataDir = path.resolve(ctx.io.cwd, flags.dataDir ?? path.join(ctx.config.dataDir, 'kafka'));
    const port = ctx.config.brokerPort;
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
      const code = (err as { code?: string }).code;
      if (code === 'ENOTDIR' || code === 'EROFS' || code === 'EEXIST')
        throw new UserError(`cannot use the data directory (${code})`, {
          hint: 'pick another --data-dir',
          cause: err,
        });
      throw listenError(err, {
        service: 'the broker',
        host: flags.host,
        port,
        flag: '--port',
        usual: 'another broker or Kafka?',
      });
    });
    ctx.out.result(
      { bootstrap: broker.bootstrap, host: broker.host, port: broker.port, dataDir },
      () => `broker listening on ${broker.bootstrap} (data in ${dataDir})`,
    );
    ctx.out.info('press Ctrl-C to stop');
    await runUntilStopped(ctx, {
      stopping: 'stopping the broker: closing connections and syncing the log',
      stopped: 'broker stopped',
      stop: () => broker.close(),
    });
  },
});
