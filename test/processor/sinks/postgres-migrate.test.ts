import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../../src/processor/sinks/postgres-schema.js';
import { runCli } from '../../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';

describe('citystream db migrate (real PostgreSQL)', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startTestPostgres({ migrated: false });
  }, 120_000);
  afterAll(async () => pg?.close());

  it('creates the schema once, records its version, and changes nothing when run again', async () => {
    const first = await runCli(['db', 'migrate', '--pg-url', pg.url, '--json'], { env: pg.env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      database: pg.url,
      applied: MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
      current: MIGRATIONS.length,
      latest: MIGRATIONS.length,
    });
    const second = await runCli(['db', 'migrate', '--pg-url', pg.url], { env: pg.env });
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe(`${pg.url} is up to date (schema version ${MIGRATIONS.length})`);
    const tables = await pg.pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'citystream_migrations',
      'click_dead_letters',
      'click_events',
      'click_funnel',
      'click_funnel_members',
      'click_sessions',
      'click_windows',
      'stream_offsets',
    ]);
  });

  it('applies only the versions a database lacks, concurrently safe', async () => {
    const extra = [
      ...MIGRATIONS,
      { version: 99, name: 'test column', sql: 'ALTER TABLE click_events ADD COLUMN t99 int' },
    ];
    const reports = await Promise.all([migrate(pg.pool, extra), migrate(pg.pool, extra)]);
    expect(reports.flatMap((r) => r.applied)).toEqual([{ version: 99, name: 'test column' }]);
  });

  it('refuses a password in --pg-url, and says which login failed without printing the password', async () => {
    const withPassword = pg.url.replace('postgres@', 'postgres:hunter2@');
    const refused = await runCli(['db', 'migrate', '--pg-url', withPassword]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/must not contain the password/);
    expect(refused.stderr).not.toMatch(/hunter2/);
    const wrong = await runCli(['db', 'migrate', '--pg-url', pg.url], { env: { PGPASSWORD: 'hunter2' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/PostgreSQL refused postgres .*password from PGPASSWORD/);
    expect(wrong.stderr).not.toMatch(/hunter2/);
  });
});
