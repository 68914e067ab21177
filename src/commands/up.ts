import { isGiven } from '../config/resolve-config.js';
import { resolve } from 'node:path';
import type { Processor } from '../processor/processor.js';
import type { Context } from './context.js';
import { UserError } from '../errors.js';
import { renderTable } from '../ui/table.js';
import { defineCommand } from './define-command.js';
import { EVENT_RATE, intInRange, numberInRange } from './option-parsers.js';
import { openArchiveFlag } from './process-archive.js';
import { runUntilStopped } from './run-until-stopped.js';

interface UpFlags {
  rate: number;
  producer: boolean;
  processor: boolean;
  console: boolean;
  pgPort: number;
}

export const upCommand = defineCommand<UpFlags>({
  name: 'up',
  description:
    'run the whole pipeline locally (broker, DynamoDB, tables, API, processor, producer; with --workload clickstream PostgreSQL instead of DynamoDB) until Ctrl-C',
  examples: [
    'citystream up',
    'citystream up --api-port 9090 --data-dir /tmp/citystream',
    'citystream up --rate 50',
    'citystream up --no-producer   # then: citystream produce --count 1000 --seed 7',
    'citystream up --brokers kafka-1:9092 --endpoint http://127.0.0.1:8001   # existing Kafka and DynamoDB',
    'citystream up --no-processor   # run `citystream process` yourself, e.g. several members',
    'citystream up --json    # prints where each service listens as JSON',
    'citystream up --workload clickstream   # PostgreSQL (embedded), broker, API, clickstream processor and producer',
    'citystream up --workload clickstream --pg-url postgres://citystream@db:5432/citystream',
    'citystream up --archive file:///tmp/citystream-archive   # also every raw message, gzip NDJSON by hour',
  ],
  settings: [
    'dynamoPort',
    'apiPort',
    'apiHost',
    'dataDir',
    'brokerPort',
    'workload',
    'pgUrl',
    'pgSecret',
    { key: 'archive', flag: '--archive <url>' },
    'archiveMaxEvents',
    'archiveMaxBytes',
    'archiveMaxAge',
  ],
  options: [
    {
      flags: '--rate <n>',
      description: 'events per second of the synthetic producer; 0 = as fast as the broker takes them',
      parse: numberInRange(EVENT_RATE.min, EVENT_RATE.max),
      default: EVENT_RATE.default,
    },
    { flags: '--no-producer', description: 'start no producer (produce with `citystream produce` instead)' },
    { flags: '--no-processor', description: 'start no processor (run `citystream process` instead)' },
    {
      flags: '--no-console',
      description: 'on a terminal, do not show the live processor view below the service table',
    },
    {
      flags: '--pg-port <port>',
      description:
        'port of the embedded PostgreSQL of --workload clickstream (none starts when --pg-url or --pg-secret is given)',
      parse: intInRange(1, 65535),
      default: 5432,
    },
  ],
  helpAfter:
    '\nGiven --brokers (or CITYSTREAM_BROKERS, or brokers in the config file), up uses that Kafka and starts\n' +
    'no broker; given --endpoint, it uses that DynamoDB and starts no embedded one.\n',
  async handler(ctx, flags) {
    if (ctx.config.target !== 'local') {
      throw new UserError('`citystream up` runs the local stack only', {
        hint: 'on the aws target run the pieces yourself: `tables create`, `process --brokers …` and `serve`',
      });
    }
    if (ctx.config.archive !== undefined && !flags.processor) {
      throw new UserError('--archive runs beside the processor, and --no-processor starts none', {
        hint: 'pass --archive to the `citystream process` you run instead',
      });
    }
    const clickstream = ctx.config.workload === 'clickstream';
    const [{ startStack }, { localStackServices, clickstreamStackServices }, { describeJoin }, topics] =
      await Promise.all([
        import('../stack/stack.js'),
        import('../stack/services.js'),
        import('../processor/start-processor.js'),
        clickstream ? import('../events/clickstream/topics.js') : undefined,
      ]);
    const existingKafka = isGiven(ctx.sources.brokers);
    const existingDynamo = isGiven(ctx.sources.endpoint);
    let processor: Processor | undefined;
    const failed = (what: string) => (err: unknown) =>
      ctx.out.warn(`${what} stopped: ${err instanceof Error ? err.message : String(err)}`);
    const common = {
      producerRate: flags.producer ? flags.rate : undefined,
      apiLog: ctx.debug ? (line: string) => ctx.out.info(line) : undefined,
      reportBug: (err: unknown) =>
        ctx.out.warn(`API bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
      onFailure: failed,
    };
    const externalPg = ctx.config.pgUrl !== undefined || ctx.config.pgSecret !== undefined;
    const config = topics ? topics.clickstreamConfig(ctx.config, ctx.sources) : ctx.config;
    // The archive's target is checked before anything starts, so a wrong one costs nothing.
    const archive = await openArchiveFlag(ctx, config);
    const stack = await startStack(
      clickstream
        ? clickstreamStackServices({
            ...common,
            embeddedPostgresPort: externalPg ? undefined : flags.pgPort,
            postgresLog: ctx.debug ? (line) => ctx.out.info(`postgres: ${line}`) : undefined,
            archive,
          })
        : localStackServices({
            ...common,
            existingKafka,
            existingDynamo,
            processor: flags.processor,
            onProcessor: (p) => (processor = p),
            onGroupJoin: (join) => ctx.out.info(describeJoin(ctx.config, join)),
            archive,
          }),
      {
        config,
        dataDir: resolve(ctx.io.cwd, ctx.config.dataDir),
        env: ctx.io.env,
        signal: ctx.signal,
        info: (m) => ctx.out.info(m),
      },
    ).catch((err: unknown) => {
      archive?.close();
      throw err;
    });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      // The archive closes its store when it stops; this covers a stack stopped before it started.
      await stack.stop().finally(() => archive?.close());
    };
    try {
      const listing = stack.services.map((s) => ({
        name: s.name,
        address: s.address ?? null,
        summary: s.summary,
      }));
      // The web console first: it is where most people go next.
      const consoleUrl = stack.services.find((s) => s.name === 'api')?.address?.replace(/\/api\/v1$/, '/');
      if (consoleUrl) {
        const portFlag = ctx.sources.apiPort === 'flag' ? ` --api-port ${new URL(consoleUrl).port}` : '';
        ctx.out.info(`web console: ${consoleUrl}   (citystream open${portFlag})`);
      }
      ctx.out.result({ status: 'running', console: consoleUrl ?? null, services: listing }, () =>
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
      const brokersFlag =
        broker && (movedByFlag('brokerPort') || movedByFlag('brokers')) ? ` --brokers ${broker}` : '';
      if (clickstream) {
        const pgAddress = address('postgres');
        // The embedded server's password reaches other commands through its password file.
        const pgpass = externalPg
          ? ''
          : `PGPASSFILE=${resolve(ctx.io.cwd, ctx.config.dataDir)}/postgres.pgpass `;
        const pgFlag =
          externalPg || (pgAddress && flags.pgPort !== 5432)
            ? ` --pg-url ${ctx.config.pgUrl ?? pgAddress}`
            : '';
        const pg = ctx.config.pgSecret ? ` --pg-secret ${ctx.config.pgSecret}` : pgFlag;
        if (api) ctx.out.info(`  curl ${api}/clickstream/funnel`);
        ctx.out.info(`  citystream produce --workload clickstream --count 1000 --rate 0${brokersFlag}`);
        ctx.out.info(`  ${pgpass}citystream query clickstream funnel${pg}`);
        ctx.out.info(`  citystream lag --group ${config.group}${brokersFlag}`);
      } else {
        const endpointFlag =
          dynamo && (movedByFlag('dynamoPort') || movedByFlag('endpoint')) ? ` --endpoint ${dynamo}` : '';
        ctx.out.info(`  citystream tables list${endpointFlag}`);
        ctx.out.info(`  citystream query stats${endpointFlag}`);
        ctx.out.info(`  citystream query alerts --city Chicago${endpointFlag}`);
        ctx.out.info(`  citystream lag${brokersFlag}`);
      }
      ctx.out.info('Press Ctrl-C to stop.');
      const view =
        flags.console && ctx.out.interactive && processor ? await liveView(ctx, processor) : undefined;
      try {
        await runUntilStopped(ctx, { stopping: 'stopping…', stopped: 'stopped.', stop });
      } finally {
        view?.stop();
      }
    } finally {
      await stop();
    }
  },
});

/** The processor's live console view on stderr, redrawn in place every second below the service table. */
async function liveView(ctx: Context, processor: Processor): Promise<{ stop(): void }> {
  const { ConsoleView } = await import('../processor/console-view.js');
  const view = new ConsoleView({ interactive: true, json: false, write: (t) => ctx.io.stderr.write(t) });
  const draw = () => view.refresh(processor.totals, processor.openWindowCounts(), processor.totalLag());
  draw();
  const timer = setInterval(draw, 1000);
  return { stop: () => clearInterval(timer) };
}
