import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { listenError } from './listen-error.js';

export interface EmbeddedDynamoOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The stack's data directory; tables live under `<dataDir>/dynamodb` and survive a restart. */
  dataDir: string;
}

export interface EmbeddedDynamo {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The local target's DynamoDB: dynalite (a DynamoDB-compatible server on LevelDB) in this process.
 * A single-node development engine: it does not support the TTL API and does not throttle, which is why
 * nothing in citystream may depend on its behaviour beyond the DynamoDB API itself.
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions): Promise<EmbeddedDynamo> {
  // Probe the port before dynalite opens its LevelDB store: a store opened for a server that then cannot
  // listen would hold the data directory's lock until the process exits.
  if (options.port !== 0) await probePort(options.host, options.port);
  const path = join(options.dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  // Tables are usable at once; waiting 500 ms per table (dynalite's default) buys nothing locally.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(portError(err, options));
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close() {
      // dynalite's close stops the listener, then waits for LevelDB to flush and release its lock.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function portError(err: unknown, options: Pick<EmbeddedDynamoOptions, 'host' | 'port'>): unknown {
  return listenError(err, {
    service: 'the embedded DynamoDB',
    host: options.host,
    port: options.port,
    flag: '--dynamo-port',
    usual: 'another `citystream up`?',
  });
}

async function probePort(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => reject(portError(err, { host, port })));
    probe.listen(port, host, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
