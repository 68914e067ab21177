import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type dynaliteModule from 'dynalite';

/**
 * Built (dist/clients/), the patched copy beside it in dist/vendor/dynalite (vendor-dynalite.ts: a
 * release's own node_modules holds dynalite unpatched); from source, node_modules/dynalite, which
 * patch-package patched at install.
 */
function loadDynalite(): typeof dynaliteModule {
  const require = createRequire(import.meta.url);
  const vendored = fileURLToPath(new URL('../vendor/dynalite/index.js', import.meta.url));
  return require(existsSync(vendored) ? vendored : 'dynalite') as typeof dynaliteModule;
}
const dynalite = loadDynalite();

/**
 * The child process that runs the embedded DynamoDB (dynalite on LevelDB), started by
 * `startEmbeddedDynamo` through `fork`. It has its own event loop and heap, so the API, the processor and
 * the broker in the parent never wait behind dynalite's request handling, and its memory is its own.
 *
 * The parent owns its lifetime through the IPC channel: `{ type: 'close' }` closes dynalite (LevelDB
 * flushes and releases its lock) and exits; a closed channel (the parent exited or was killed) does the
 * same, so the child never outlives its parent. SIGINT is ignored: Ctrl-C reaches the whole process group,
 * and the parent stops its services in reverse order, so the processor's last writes still land before
 * the parent closes this one.
 */

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
}

export type ChildMessage =
  { type: 'listening'; port: number } | { type: 'failed'; code?: string; message: string };

export type ParentMessage = { type: 'close' };

async function start(options: ServerOptions): Promise<Server> {
  // Probe the port before dynalite opens its LevelDB store: a store opened for a server that then cannot
  // listen would hold the data directory's lock until this process exits.
  if (options.port !== 0) await probePort(options.host, options.port);
  const path = join(options.dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  // Tables are usable at once; waiting 500 ms per table (dynalite's default) buys nothing locally.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

async function probePort(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, host, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function run(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  process.on('SIGINT', () => {});
  let closing: Promise<void> | undefined;
  let server: Server | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      if (!server) return resolve();
      // dynalite's close stops the listener, then waits for LevelDB to flush and release its lock.
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => process.exit(0));
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'close') close();
  });
  process.on('disconnect', close);
  process.on('SIGTERM', close);
  try {
    server = await start(options);
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    send({ type: 'failed', code, message: message ?? String(err) });
    process.exit(1);
  }
  send({ type: 'listening', port: (server.address() as AddressInfo).port });
}

void run();
