import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { renderTable } from '../ui/table.js';
import { defineCommand } from './define-command.js';
import { EVENT_RATE, numberInRange } from './option-parsers.js';
import { runUntilStopped } from './run-until-stopped.js';

interface UpFlags {
  rate: number;
  producer: boolean;
}

export const upCommand = defineCommand<UpFlags>({
  name: 'up',
  description:
    'run the whole pipeline locally (broker, DynamoDB, tables, API, processor, producer) until Ctrl-C',
  examples: [
    'citystream up',
    'citystream up --api-port 9090 --data-dir /tmp/citystream',
    'citystream up --rate 50',
    'citystream up --no-producer   # then: citystream produce --count 1000 --seed 7',
    'citystream up --json    # prints where each service listens as JSON',
  ],
  settings: ['dynamoPort', 'apiPort', 'apiHost', 'dataDir', 'brokerPort'],
  options: [
    {
      flags: '--rate <n>',
      description: 'events per second of the synthetic producer; 0 = as fast as the broker takes them',
      parse: numberInRange(EVENT_RATE.min, EVENT_RATE.max),
      default: EVENT_RATE.default,
    },
    { flags: '--no-producer', description: 'start no producer (produce with `citystream produce` instead)' },
  ],
  async handler(ctx, flags) {
    if (ctx.config.target !== 'local') {
      throw new UserError('`citystream up` runs the local stack only', {
        hint: 'on the aws target run the pieces yourself: `tables create`, `process --brokers …` and `serve`',
      });
    }
    const [{ startStack }, { localStackServices }] = await Promise.all([
      import('../stack/stack.js'),
      import('../stack/services.js'),
    ]);
    const failed = (what: string) => (err: unknown) =>
      ctx.out.warn(`${what} stopped: ${err instanceof Error ? err.message : String(err)}`);
    const stack = await startStack(
      localStackServices({
        producerRate: flags.producer ? flags.rate : undefined,
        apiLog: ctx.debug ? (line) => ctx.out.info(line) : undefined,
        reportBug: (err) =>
          ctx.out.warn(`API bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
        onFailure: failed,
      }),
      {
        config: ctx.config,
        dataDir: resolve(ctx.io.cwd, ctx.config.dataDir),
        signal: ctx.signal,
        info: (m) => ctx.out.info(m),
      },
    );
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await stack.stop();
    };
    try {
      const listing = stack.services.map((s) => ({
        name: s.name,
        address: s.address ?? null,
        summary: s.summary,
      }));
      ctx.out.result({ status: 'running', services: listing }, () =>
        renderTable(
          ['service', 'address', ''],
          listing.map((s) => [s.name, s.address ?? '', s.summary]),
        ),
      );
      const address = (name: string) => stack.services.find((s) => s.name === name)?.address;
      const api = address('api');
      const dynamo = address('dynamodb');
      const broker = address('broker');
      ctx.out.info('citystream is up. Try, in another terminal:');
      if (api) ctx.out.info(`  curl ${api}/health`);
      // Other commands read the same environment and config file, so they need a flag only for what was
      // moved by one of up's own flags.
      const movedByFlag = (key: string): boolean => ctx.sources[key] === 'flag';
      const endpointFlag = dynamo && movedByFlag('dynamoPort') ? ` --endpoint ${dynamo}` : '';
      ctx.out.info(`  citystream tables list${endpointFlag}`);
      ctx.out.info(`  citystream query stats${endpointFlag}`);
      ctx.out.info(`  citystream query alerts --city Chicago${endpointFlag}`);
      ctx.out.info(`  citystream lag${broker && movedByFlag('brokerPort') ? ` --brokers ${broker}` : ''}`);
      ctx.out.info('Press Ctrl-C to stop.');
      await runUntilStopped(ctx, { stopping: 'stopping…', stopped: 'stopped.', stop });
    } finally {
      await stop();
    }
  },
});
