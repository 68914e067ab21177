import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { kafkaFromConfig } from '../../src/clients/kafka.js';
import { FileStore } from '../../src/processor/archive/file-store.js';
import { readArchive } from '../support/archive.js';
import { captureIO, runCli } from '../support/cli.js';
import { freePort, takenPort } from '../support/free-port.js';
import { freshPrefix, startDynalite } from '../support/dynamo-endpoints.js';
import { readTopicWithKafkajs, startTestBroker } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import { sendAll, waitForZeroLag } from '../e2e/pipeline-stack.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempCwd(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'citystream-up-'));
  dirs.push(dir);
  return dir;
}

interface Listing {
  status: string;
  services: Array<{ name: string; address: string | null }>;
}

/**
 * Starts `up --json` in-process; resolves once it has printed where everything listens and its hints.
 * The ports go in as flags, or with `viaEnv` as CITYSTREAM_* variables that other commands see too.
 */
/** Starts `up --json --api-port 0 <args>` in-process; resolves once it has printed its services. */
async function startUpWith(cwd: string, args: string[]) {
  const controller = new AbortController();
  const { io, output } = captureIO({ cwd, signal: controller.signal });
  const exit = main(['up', '--json', '--api-port', '0', ...args], io);
  let early: number | undefined;
  void exit.then((code) => (early = code));
  const listing = await waitFor(
    'up to print its services',
    () => {
      if (early !== undefined) throw new Error(`up exited with ${early}: ${output().stderr}`);
      const ready = output().stdout.includes('"status"') && output().stderr.includes('Press Ctrl-C');
      return ready ? (JSON.parse(output().stdout) as Listing) : undefined;
    },
    30_000,
  );
  return { controller, exit, output, listing };
}

async function startUp(cwd: string, dynamoPort: number, brokerPort: number, viaEnv = false) {
  const controller = new AbortController();
  const ports = { CITYSTREAM_DYNAMO_PORT: String(dynamoPort), CITYSTREAM_BROKER_PORT: String(brokerPort) };
  const { io, output } = captureIO({ cwd, signal: controller.signal, env: viaEnv ? ports : {} });
  const portFlags = ['--dynamo-port', String(dynamoPort), '--broker-port', String(brokerPort)];
  const argv = ['up', '--json', '--api-port', '0', '--no-producer', ...(viaEnv ? [] : portFlags)];
  const exit = main(argv, io);
  let early: number | undefined;
  void exit.then((code) => (early = code));
  const listing = await waitFor(
    'up to print its services',
    () => {
      if (early !== undefined) throw new Error(`up exited with ${early}: ${output().stderr}`);
      const text = output().stdout;
      const ready = text.includes('"status"') && output().stderr.includes('Press Ctrl-C');
      return ready ? (JSON.parse(text) as Listing) : undefined;
    },
    30_000,
  );
  const address = (name: string) => listing.services.find((s) => s.name === name)?.address ?? '';
  return { controller, exit, output, listing, address };
}

describe('citystream up', () => {
  it('starts DynamoDB, creates the tables, serves the API, and stops cleanly on abort; data survives', async () => {
    const cwd = await tempCwd();
    const port = await freePort();
    const brokerPort = await freePort();
    const up = await startUp(cwd, port, brokerPort);
    // The services in start order; later issues' services (broker, processor) are entries of the same list.
    expect(up.listing.services.map((s) => s.name)).toEqual([
      'broker',
      'dynamodb',
      'tables',
      'api',
      'processor',
    ]);
    expect(up.address('dynamodb')).toBe(`http://127.0.0.1:${port}`);

    const health = await fetch(`${up.address('api')}/health`);
    expect(health.status).toBe(200);
    // On the local target the endpoint defaults to the embedded DynamoDB's port.
    const tables = await runCli(['tables', 'list', '--json'], {
      cwd,
      env: { CITYSTREAM_DYNAMO_PORT: String(port) },
    });
    expect(tables.code).toBe(0);
    const statuses = (JSON.parse(tables.stdout) as { tables: Array<{ name: string; status: string }> })
      .tables;
    expect(statuses.map((t) => [t.name, t.status])).toEqual([
      ['citystream-raw-events', 'ACTIVE'],
      ['citystream-aggregations', 'ACTIVE'],
      ['citystream-alerts', 'ACTIVE'],
      ['citystream-rollups', 'ACTIVE'],
    ]);
    expect(up.output().stderr).toContain(`curl ${up.address('api')}/health`);
    // The web console's address comes before the list of services and the hints.
    const consoleUrl = up.address('api').replace(/api\/v1$/, '');
    expect(up.output().stderr).toContain(`web console: ${consoleUrl}   (citystream open --api-port `);
    expect(JSON.parse(up.output().stdout)).toMatchObject({ console: consoleUrl });
    // Ports moved by up's own flags are not seen by other commands, so the hints carry them.
    expect(up.output().stderr).toContain(`  citystream query stats --endpoint http://127.0.0.1:${port}\n`);
    expect(up.output().stderr).toContain(`  citystream lag --brokers 127.0.0.1:${brokerPort}\n`);

    up.controller.abort('SIGINT');
    expect(await up.exit).toBe(0);
    expect(up.output().stderr).toMatch(/stopped\.\n$/);
    // Everything let go of its port.
    await expect(fetch(`${up.address('api')}/health`)).rejects.toThrow();
    const down = await runCli(['tables', 'list', '--endpoint', up.address('dynamodb')], { cwd });
    expect(down.stderr).toContain('nothing is listening on');

    // A second `up` in the same directory finds the tables it created (data under .citystream/).
    const again = await startUp(cwd, port, brokerPort, true);
    // Ports set in the environment reach other commands the same way, so the hints need no flags.
    expect(again.output().stderr).toContain('  citystream query stats\n');
    expect(again.output().stderr).toContain('  citystream lag\n');
    const created = await runCli(['tables', 'create', '--json', '--endpoint', again.address('dynamodb')], {
      cwd,
    });
    expect(
      (JSON.parse(created.stdout) as { tables: Array<{ action: string }> }).tables.map((t) => t.action),
    ).toEqual(['existed', 'existed', 'existed', 'existed']);
    again.controller.abort('SIGINT');
    expect(await again.exit).toBe(0);
  });

  it('composes: uses a given Kafka and DynamoDB instead of starting its own, and can leave out the processor', async () => {
    const kafka = await startTestBroker({ partitions: 2 });
    const dynamo = await startDynalite();
    const cwd = await tempCwd();
    const prefix = freshPrefix('up');
    try {
      const given = ['--brokers', kafka.bootstrap, '--endpoint', dynamo.endpoint, '--prefix', prefix];
      const up = await startUpWith(cwd, ['--no-producer', ...given]);
      expect(up.listing.services.map((s) => [s.name, s.address])).toEqual([
        ['broker', kafka.bootstrap],
        ['dynamodb', dynamo.endpoint],
        ['tables', null],
        ['api', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)],
        ['processor', null],
      ]);
      // Nothing embedded started: no data directory, and the tables are on the given endpoint.
      await expect(stat(join(cwd, '.citystream'))).rejects.toThrow();
      const tables = await runCli(
        ['tables', 'list', '--json', '--endpoint', dynamo.endpoint, '--prefix', prefix],
        {
          cwd,
        },
      );
      expect(
        (JSON.parse(tables.stdout) as { tables: Array<{ status: string }> }).tables.map((t) => t.status),
      ).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
      // The processor joined the given broker's group and says which partitions it owns.
      // (the topic is created with the `partitions` setting: 6)
      await waitFor('the processor to join', () =>
        up.output().stderr.includes('(leader); owns city-events partitions 0, 1, 2, 3, 4, 5\n'),
      );
      expect(up.output().stderr).toMatch(/joined group citystream-processor as \S+ \(leader\)/);
      expect(up.output().stderr).toContain(`  citystream lag --brokers ${kafka.bootstrap}\n`);
      up.controller.abort('SIGINT');
      expect(await up.exit).toBe(0);
      // The given services are still running after up stopped.
      expect(
        (await runCli(['tables', 'list', '--endpoint', dynamo.endpoint, '--prefix', prefix], { cwd })).code,
      ).toBe(0);

      const bare = await startUpWith(cwd, ['--no-producer', '--no-processor', ...given]);
      expect(bare.listing.services.map((s) => s.name)).toEqual(['broker', 'dynamodb', 'tables', 'api']);
      bare.controller.abort('SIGINT');
      expect(await bare.exit).toBe(0);
    } finally {
      await dynamo.stop();
      await kafka.close();
    }
  });

  it('archives every raw message beside the processor with --archive, and refuses it with --no-processor', async () => {
    const cwd = await tempCwd();
    const root = join(cwd, 'archive');
    const ports = ['--dynamo-port', String(await freePort()), '--broker-port', String(await freePort())];
    const archiveFlags = ['--archive', `file://${root}`, '--archive-max-age', '200ms'];
    const refused = await runCli(['up', '--no-processor', ...ports, ...archiveFlags], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'Error: --archive runs beside the processor, and --no-processor starts none — pass --archive to the `citystream process` you run instead',
    );

    const up = await startUpWith(cwd, ['--no-producer', ...ports, ...archiveFlags]);
    expect(up.listing.services.map((s) => [s.name, s.address])).toContainEqual(['archive', `file://${root}`]);
    expect(up.listing.services.map((s) => s.name).slice(-2)).toEqual(['processor', 'archive']);
    const broker = up.listing.services.find((s) => s.name === 'broker')!.address!;
    const kafka = kafkaFromConfig({ brokers: [broker] }, { clientId: 'up-archive-test' });
    await sendAll(
      kafka,
      'city-events',
      Array.from({ length: 120 }, (_, i) => ({
        key: `k${i % 4}`,
        value: i % 40 === 0 ? 'not json' : `{"i":${i}}`,
      })),
    );
    await waitForZeroLag(kafka, 'citystream-processor-archive', 'city-events', 60_000);
    const archived = await readArchive(new FileStore(root), (key) => readFile(join(root, ...key.split('/'))));
    const truth = await readTopicWithKafkajs(kafka, 'city-events');
    expect(truth).toHaveLength(120);
    expect(archived.map((a) => `${a.partition}/${a.offset}/${a.value}`)).toEqual(
      truth.map((t) => `${t.partition}/${t.offset}/${t.value}`),
    );
    up.controller.abort('SIGINT');
    expect(await up.exit).toBe(0);
  });

  it('shows the live processor view below the service table on a terminal, unless --no-console', async () => {
    const cwd = await tempCwd();
    const [port, brokerPort] = [await freePort(), await freePort()];
    const ports = ['--dynamo-port', String(port), '--broker-port', String(brokerPort), '--api-port', '0'];
    for (const consoleFlag of [[], ['--no-console']]) {
      const controller = new AbortController();
      const { io, output } = captureIO({ cwd, signal: controller.signal, tty: true });
      const exit = main(['up', '--no-producer', ...ports, ...consoleFlag], io);
      await waitFor('up to be ready', () => output().stderr.includes('Press Ctrl-C'), 30_000);
      if (consoleFlag.length === 0)
        await waitFor('the live view', () => output().stderr.includes('citystream process  '), 10_000);
      controller.abort('SIGINT');
      expect(await exit).toBe(0);
      expect(output().stdout).toMatch(/service.*address/);
      expect(output().stderr.includes('open windows'), consoleFlag.join(' ') || 'default').toBe(
        consoleFlag.length === 0,
      );
    }
  });

  it('says in one line that the DynamoDB port is taken', async () => {
    const { port, release } = await takenPort();
    try {
      // The broker starts first: on a free port, so only the DynamoDB port is taken.
      const brokerPort = String(await freePort());
      const argv = ['up', '--dynamo-port', String(port), '--broker-port', brokerPort, '--api-port', '0'];
      const result = await runCli(argv, { cwd: await tempCwd() });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `Error: port ${port} on 127.0.0.1 is already in use, so the embedded DynamoDB cannot start`,
      );
      expect(result.stdout).toBe('');
    } finally {
      await release();
    }
  });

  it('refuses the aws target and names the commands to run there', async () => {
    const result = await runCli(['up', '--target', 'aws'], { cwd: await tempCwd() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'Error: `citystream up` runs the local stack only — on the aws target run the pieces yourself: `tables create`, `process --brokers …` and `serve`',
    );
  });

  it('accepts the same --rate range as produce', async () => {
    for (const command of ['up', 'produce']) {
      const result = await runCli([command, '--rate', '1000001'], { cwd: await tempCwd() });
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toContain('expected a number from 0 to 1000000, got "1000001"');
    }
  });

  it('rejects a bad port', async () => {
    const result = await runCli(['up', '--api-port', '70000'], { cwd: await tempCwd() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a whole number from 0 to 65535');
  });
});
