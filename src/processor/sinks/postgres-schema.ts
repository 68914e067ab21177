import type pg from 'pg';

/**
 * The clickstream's PostgreSQL schema as numbered migrations, applied by `citystream db migrate` in order,
 * each in its own transaction together with its row in `citystream_migrations`, under an advisory lock so
 * two concurrent runs cannot apply one twice. A migration is never edited once released: changes are new
 * versions. Money is in whole cents (bigint) so sums are exact.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'clickstream tables and stream offsets',
    sql: `
      CREATE TABLE click_events (
        event_id        text PRIMARY KEY,
        event_type      text NOT NULL,
        user_id         text NOT NULL,
        session_id      text NOT NULL,
        page            text NOT NULL,
        product_id      text,
        price_cents     bigint,
        device          text NOT NULL,
        region          text NOT NULL,
        referrer        text NOT NULL,
        event_time      timestamptz NOT NULL,
        late            boolean NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset    bigint NOT NULL
      );
      CREATE INDEX click_events_by_time ON click_events (event_time);
      CREATE INDEX click_events_by_session ON click_events (session_id, event_time);

      CREATE TABLE click_windows (
        window_start  timestamptz NOT NULL,
        window_end    timestamptz NOT NULL,
        page          text NOT NULL,
        event_type    text NOT NULL,
        device        text NOT NULL,
        event_count   bigint NOT NULL,
        revenue_cents bigint NOT NULL,
        PRIMARY KEY (window_start, page, event_type, device)
      );

      CREATE TABLE click_sessions (
        session_id      text NOT NULL,
        kafka_partition integer NOT NULL,
        opened_offset   bigint NOT NULL,
        user_id         text NOT NULL,
        device          text NOT NULL,
        region          text NOT NULL,
        referrer        text NOT NULL,
        session_start   timestamptz NOT NULL,
        session_end     timestamptz NOT NULL,
        event_count     integer NOT NULL,
        pages           text[] NOT NULL,
        cart_cents      bigint NOT NULL,
        revenue_cents   bigint NOT NULL,
        purchased       boolean NOT NULL,
        closed          boolean NOT NULL,
        PRIMARY KEY (session_id, kafka_partition, opened_offset)
      );
      CREATE INDEX click_sessions_open ON click_sessions (kafka_partition) WHERE NOT closed;
      CREATE INDEX click_sessions_by_end ON click_sessions (session_end DESC) WHERE closed;
      CREATE INDEX click_sessions_by_user ON click_sessions (user_id, session_end DESC) WHERE closed;

      CREATE TABLE click_funnel (
        hour       timestamptz NOT NULL,
        event_type text NOT NULL,
        events     bigint NOT NULL,
        sessions   bigint NOT NULL,
        PRIMARY KEY (hour, event_type)
      );
      CREATE TABLE click_funnel_members (
        hour       timestamptz NOT NULL,
        event_type text NOT NULL,
        session_id text NOT NULL,
        PRIMARY KEY (hour, event_type, session_id)
      );

      CREATE TABLE click_dead_letters (
        kafka_partition integer NOT NULL,
        kafka_offset    bigint NOT NULL,
        reason          text NOT NULL,
        window_range    text,
        message_key     bytea,
        message_value   bytea,
        PRIMARY KEY (kafka_partition, kafka_offset)
      );

      CREATE TABLE stream_offsets (
        consumer_group  text NOT NULL,
        topic           text NOT NULL,
        kafka_partition integer NOT NULL,
        next_offset     bigint NOT NULL,
        clock_ms        bigint,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, topic, kafka_partition)
      );
    `,
  },
];

export interface MigrationReport {
  applied: Array<{ version: number; name: string }>;
  current: number;
  latest: number;
}

const LOCK_KEY = 'citystream:migrate';

export async function migrate(pool: pg.Pool, migrations = MIGRATIONS): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS citystream_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await client.query<{ version: number }>('SELECT version FROM citystream_migrations');
    const have = new Set(done.rows.map((r) => r.version));
    const applied: MigrationReport['applied'] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (have.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO citystream_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push({ version: m.version, name: m.name });
      have.add(m.version);
    }
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    return { applied, current: Math.max(0, ...have), latest };
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}
