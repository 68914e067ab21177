import { resolve } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../errors.js';
import { renderTable } from '../ui/table.js';
import { type CommandModule, withExamples } from './command.js';
import { intInRange, numberInRange } from './option-parsers.js';
import { untilAborted } from './until-aborted.js';

interface UpOptions {
  dynamoPort?: number;
  apiPort?: number;
  apiHost?: string;
  dataDir?: string;
  brokerPort?: number;
  rate: number;
  producer: boolean;
}

export const upCommand: CommandModule = {
  name: 'up',
  register(program, services) {
    const cmd = new Command('up')
      .description(
        'run the whole pipeline locally (broker, DynamoDB, tables, API, processor, producer) until Ctrl-C',
      )
      .option('--dynamo-port <port>', 'port of the embedded DynamoDB (default 8000)', intInRange(1, 65535))
      .option(
        '--api-port <port>',
        'port of the REST API (default 8082; 0 picks a free one)',
        intInRange(0, 65535),
      )
      .option('--api-host <host>', 'address the REST API listens on (default 127.0.0.1)')
      .option('--data-dir <dir>', 'where the embedded engines keep their data (default .citystream)')
      .option(
        '--broker-port <port>',
        'port of the embedded Kafka broker (default 9092)',
        intInRange(1, 65535),
      )
      .option('--rate <n>', 'events per second of the synthetic producer', numberInRange(0.01, 100_000), 5)
      .option('--no-producer', 'start no producer (produce with `citystream produce` instead)')
      .action(async (opts: UpOptions, self: Command) => {
        const { rate, producer, ...settings } = opts;
        const ctx = await services.context(self, { ...settings });
        if (ctx.config.target !== 'local') {
          throw new UserError('`citystream up` runs the local stack only', {
            hint: 'on the aws target run the pieces yourself: `tables create`, `process --brokers …` and `serve`',
          });
        }
        const { startStack } = await import('../stack/stack.js');
        const { apiService, embeddedDynamoService, tablesService } = await import('../stack/services.js');
        const { brokerService, processorService, producerService } =
          await import('../stack/pipeline-services.js');
        const failed = (what: string) => (err: unknown) =>
          ctx.out.warn(`${what} stopped: ${err instanceof Error ? err.message : String(err)}`);
        const stackServices = [
          brokerService(),
          embeddedDynamoService(),
          tablesService(),
          apiService({
            log: ctx.debug ? (line) => ctx.out.info(line) : undefined,
            reportBug: (err) =>
              ctx.out.warn(`API bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
          }),
          processorService({ onFailure: failed('processor') }),
          ...(producer ? [producerService(rate, failed('producer'))] : []),
        ];
        const stack = await startStack(stackServices, {
          config: ctx.config,
          dataDir: resolve(ctx.io.cwd, ctx.config.dataDir),
          signal: ctx.signal,
          info: (m) => ctx.out.info(m),
        });
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
          const api = stack.services.find((s) => s.name === 'api')?.address;
          const dynamo = stack.services.find((s) => s.name === 'dynamodb')?.address;
          ctx.out.info('citystream is up. Try, in another terminal:');
          if (api) ctx.out.info(`  curl ${api}/health`);
          // Other commands read the same environment and config file, so they need a flag only for what was
          // moved by one of up's own flags.
          const movedByFlag = (key: string): boolean => ctx.resolved.sources[key] === 'flag';
          const endpointFlag = dynamo && movedByFlag('dynamoPort') ? ` --endpoint ${dynamo}` : '';
          ctx.out.info(`  citystream tables list${endpointFlag}`);
          ctx.out.info(`  citystream query stats${endpointFlag}`);
          ctx.out.info(`  citystream query alerts --city Chicago${endpointFlag}`);
          const broker = stack.services.find((s) => s.name === 'broker')?.address;
          ctx.out.info(
            `  citystream lag${broker && movedByFlag('brokerPort') ? ` --brokers ${broker}` : ''}`,
          );
          ctx.out.info('Press Ctrl-C to stop.');
          await untilAborted(ctx.signal);
          ctx.out.info('stopping…');
        } finally {
          await stack.stop();
        }
        ctx.out.info('stopped.');
      });
    withExamples(cmd, [
      'citystream up',
      'citystream up --api-port 9090 --data-dir /tmp/citystream',
      'citystream up --rate 50',
      'citystream up --no-producer   # then: citystream produce --count 1000 --seed 7',
      'citystream up --json    # prints where each service listens as JSON',
    ]);
    program.addCommand(cmd);
  },
};
