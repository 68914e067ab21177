import pg from 'pg';
import type { Config } from '../config/settings.js';
import { isExpectedError, ServiceError, UserError } from '../errors.js';
import { pgpassPassword } from './pgpass.js';

/**
 * The one place PostgreSQL pools are built, and where node-postgres errors become citystream's.
 *
 * Where the connection comes from, in order: `--pg-secret` (a Secrets Manager secret in the RDS format:
 * host, port, dbname, username, password; read with the standard AWS chain, so the instance profile on
 * EC2), else `--pg-url` (no password in it) with the password from PGPASSWORD or the password file
 * (PGPASSFILE, ~/.pgpass). The password is handed to the driver as a function, so it never sits in a
 * URL, an argument list, the resolved config or a log line.
 */
export type PgTarget = Pick<Config, 'pgUrl' | 'pgSecret' | 'region' | 'profile'>;

export interface PgConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Where the password came from (for messages; never the password itself). */
  passwordFrom: 'PGPASSWORD' | 'pgpass' | 'secret' | 'none';
  password?: () => Promise<string>;
}

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/citystream';

export async function resolvePgConnection(
  config: PgTarget,
  env: Record<string, string | undefined>,
): Promise<PgConnection> {
  if (config.pgSecret) return fromSecret(config);
  const text = config.pgUrl ?? DEFAULT_PG_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--pg-url: expected postgres://user@host:5432/database, got "${text}"`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new UserError(`--pg-url: expected a postgres:// URL, got "${url.protocol}//…"`);
  if (url.password !== '')
    throw new UserError('--pg-url must not contain the password (it would show in process lists and logs)', {
      hint: 'give it in PGPASSWORD or ~/.pgpass, or use --pg-secret',
    });
  const target = {
    host: decodeURIComponent(url.hostname) || '127.0.0.1',
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'citystream',
    user: decodeURIComponent(url.username) || env.PGUSER || 'postgres',
  };
  if (env.PGPASSWORD !== undefined) {
    const password = env.PGPASSWORD;
    return { ...target, passwordFrom: 'PGPASSWORD', password: async () => password };
  }
  const fromFile = await pgpassPassword(target, env);
  if (fromFile !== undefined) return { ...target, passwordFrom: 'pgpass', password: async () => fromFile };
  return { ...target, passwordFrom: 'none' };
}

async function fromSecret(config: PgTarget): Promise<PgConnection> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({
    region: config.region,
    ...(config.profile ? { profile: config.profile } : {}),
  });
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: config.pgSecret }))).SecretString;
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    if (name === 'ResourceNotFoundException')
      throw new UserError(`no secret ${config.pgSecret} in ${config.region}`, {
        cause: err,
        hint: 'check --pg-secret and --region',
      });
    if (name === 'AccessDeniedException' || name === 'CredentialsProviderError')
      throw new UserError(`not allowed to read secret ${config.pgSecret}`, {
        cause: err,
        hint: 'grant secretsmanager:GetSecretValue to this role or profile',
      });
    throw new ServiceError(`Secrets Manager: ${(err as Error).message}`, { cause: err });
  } finally {
    client.destroy();
  }
  let secret: Record<string, unknown>;
  try {
    secret = JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    throw new UserError(`secret ${config.pgSecret} is not JSON with host, port, dbname, username, password`);
  }
  const field = (k: string) => (typeof secret[k] === 'string' ? (secret[k] as string) : undefined);
  const password = field('password');
  if (!field('host') || !field('username') || password === undefined)
    throw new UserError(`secret ${config.pgSecret} lacks host, username or password`);
  return {
    host: field('host')!,
    port: Number(secret.port ?? 5432),
    database: field('dbname') ?? field('database') ?? 'postgres',
    user: field('username')!,
    passwordFrom: 'secret',
    password: async () => password,
  };
}

export function describePg(c: Pick<PgConnection, 'host' | 'port' | 'database' | 'user'>): string {
  return `postgres://${c.user}@${c.host}:${c.port}/${c.database}`;
}

export function createPgPool(connection: PgConnection, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    // A function: pg calls it per connection and never logs it; an empty string would mean "no password".
    password: connection.password ?? (async () => ''),
    max: options.max ?? 4,
    connectionTimeoutMillis: 5_000,
    application_name: 'citystream',
  });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return pool;
}

/** A pool for the configured target, checked with one round trip so a wrong address fails at once. */
export async function pgPoolFromConfig(
  config: PgTarget,
  env: Record<string, string | undefined>,
  options: { max?: number } = {},
): Promise<{ pool: pg.Pool; connection: PgConnection }> {
  const connection = await resolvePgConnection(config, env);
  const pool = createPgPool(connection, options);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw translatePgError(err, connection);
  }
  return { pool, connection };
}

/** node-postgres and socket errors a user can act on, as UserError / ServiceError; the rest unchanged. */
export function translatePgError(err: unknown, c: PgConnection): unknown {
  if (isExpectedError(err)) return err;
  const e = err as { code?: string; message?: string };
  const where = describePg(c);
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
      return new UserError(`no PostgreSQL at ${where}`, {
        cause: err,
        hint: 'start the local stack with `citystream up --workload clickstream`, or check --pg-url',
      });
    case '28P01':
    case '28000':
      return new UserError(`PostgreSQL refused ${c.user} at ${where} (password from ${c.passwordFrom})`, {
        cause: err,
        hint: 'set PGPASSWORD or a ~/.pgpass line, or use --pg-secret',
      });
    case '3D000':
      return new UserError(`database ${c.database} does not exist at ${c.host}:${c.port}`, {
        cause: err,
        hint: 'create it (createdb) or name another in --pg-url',
      });
    case '42P01':
      return new UserError(`the clickstream tables are missing in ${where}`, {
        cause: err,
        hint: 'run `citystream db migrate`',
      });
  }
  if (/timeout|terminat/i.test(e.message ?? ''))
    return new ServiceError(`PostgreSQL at ${where}: ${e.message}`, { cause: err });
  return err;
}
