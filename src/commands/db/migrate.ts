import { defineCommand } from '../define-command.js';

/** `citystream db migrate`: creates or upgrades the clickstream schema; running it again changes nothing. */
export const dbMigrateCommand = defineCommand<Record<string, never>>({
  name: 'migrate',
  description: 'create or upgrade the clickstream tables in PostgreSQL (idempotent, versioned)',
  examples: [
    'citystream db migrate',
    'PGPASSWORD=… citystream db migrate --pg-url postgres://citystream@db.example.com:5432/citystream',
    'citystream db migrate --pg-secret arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-abc',
  ],
  settings: ['pgUrl', 'pgSecret'],
  async handler(ctx) {
    const [{ pgPoolFromConfig, translatePgError, describePg }, { migrate }] = await Promise.all([
      import('../../clients/postgres.js'),
      import('../../processor/sinks/postgres-schema.js'),
    ]);
    const { pool, connection } = await pgPoolFromConfig(ctx.config, ctx.io.env, { max: 1 });
    try {
      const report = await migrate(pool);
      ctx.out.result({ database: describePg(connection), ...report }, () =>
        report.applied.length === 0
          ? `${describePg(connection)} is up to date (schema version ${report.current})`
          : report.applied.map((m) => `applied ${m.version}: ${m.name}`).join('\n') +
            `\n${describePg(connection)} is at schema version ${report.current}`,
      );
    } catch (err) {
      throw translatePgError(err, connection);
    } finally {
      await pool.end();
    }
  },
});
