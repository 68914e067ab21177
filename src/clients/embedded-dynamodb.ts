import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './embedded-dynamodb-server.js';
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
  /** The child process that serves it (its RSS is the embedded DynamoDB's memory). */
  pid: number;
  /** Settles when the child exits: resolves after `close()`, rejects if it exited on its own. */
  exited: Promise<void>;
  close(): Promise<void>;
}

/** How long a closing child may take to flush LevelDB before it is killed. */
const CLOSE_TIMEOUT_MS = 15_000;

/**
 * The local target's DynamoDB: dynalite (a DynamoDB-compatible server on LevelDB) in a child process of
 * its own (`embedded-dynamodb-server.ts`), so that in `citystream up` the API, the processor and the broker
 * never wait behind it on one event loop, and its memory can be watched apart from theirs.
 * A single-node development engine: it does not support the TTL API and does not throttle, which is why
 * nothing in citystream may depend on its behaviour beyond the DynamoDB API itself.
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions): Promise<EmbeddedDynamo> {
  const child = forkServer(options);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  let closeRequested = false;
  const exited = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (closeRequested && code === 0) return resolve();
      reject(new Error(`the embedded DynamoDB exited (${signal ?? `code ${code}`})${tail(stderr)}`));
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: ChildMessage) => {
      if (message.type === 'listening') return resolve(message.port);
      const err = Object.assign(new Error(message.message), { code: message.code });
      reject(portError(err, options));
    });
    exited.catch(reject);
  });
  // Once it listens, an exit is reported through `exited` only; nobody may be waiting on it.
  exited.catch(() => {});
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    pid: child.pid ?? 0,
    exited,
    close() {
      closing ??= closeChild(child, exited, () => (closeRequested = true));
      return closing;
    },
  };
}

function forkServer(options: EmbeddedDynamoOptions): ChildProcess {
  // Run from source (tests, tsx) the entry is TypeScript and needs tsx's loader; built, it is plain JS.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./embedded-dynamodb-server.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  return fork(fileURLToPath(entry), [JSON.stringify(options)], {
    execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
}

async function closeChild(child: ChildProcess, exited: Promise<void>, mark: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return exited.catch(() => {});
  mark();
  // A channel that closed meanwhile means the child is exiting anyway; `exited` reports how.
  child.send({ type: 'close' } satisfies ParentMessage, () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function tail(stderr: string): string {
  const text = stderr.trim();
  return text ? `: ${text.split('\n').slice(-5).join(' | ')}` : '';
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
