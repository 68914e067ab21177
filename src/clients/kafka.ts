import { connect } from 'node:net';
import type { Writable } from 'node:stream';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Config } from '../config/settings.js';
import { isExpectedError, ServiceError, UserError } from '../errors.js';

/**
 * The one place kafkajs clients are built. kafkajs logs to stdout by default, which would corrupt
 * `--json` output; here it is silent unless --debug, and then it writes to stderr.
 */
export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId?: string;
  /** Log kafkajs's debug output to `logTo`. */
  debug?: boolean;
  logTo?: Writable;
  /** kafkajs client retry settings (connection and metadata requests). */
  retry?: KafkaConfig['retry'];
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  const logTo = options.logTo;
  return new Kafka({
    clientId: options.clientId ?? 'citystream',
    brokers: [...options.brokers],
    logLevel: options.debug ? logLevel.DEBUG : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!options.debug || !logTo) return;
      const { message, ...extra } = entry.log;
      logTo.write(`[kafkajs ${entry.label} ${entry.namespace}] ${message} ${JSON.stringify(extra)}\n`);
    },
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: options.retry ?? { initialRetryTime: 100, maxRetryTime: 2000, retries: 8 },
  });
}

/** The Kafka client of a command, from the resolved config. */
export function kafkaFromConfig(
  config: Pick<Config, 'brokers'>,
  options: { clientId?: string; debug?: boolean; logTo?: Writable; retry?: KafkaConfig['retry'] } = {},
): Kafka {
  return createKafka({ brokers: config.brokers, ...options });
}

/**
 * Fails fast, with a clear message, when no broker accepts a TCP connection: kafkajs would otherwise retry
 * for many seconds before saying ECONNREFUSED. A broker that accepts the connection but misbehaves is
 * left to kafkajs's own errors.
 */
export async function assertBrokerReachable(config: BrokerTarget, timeoutMs = 2000): Promise<void> {
  for (const address of config.brokers) {
    if (await canConnect(address, timeoutMs)) return;
  }
  throw unreachableError(config);
}

/** The part of the configuration that says which brokers a client talks to. */
export type BrokerTarget = Pick<Config, 'brokers' | 'target'> & Partial<Pick<Config, 'brokerPort'>>;

/** The embedded broker's port when the configuration does not say (the setting's default). */
const DEFAULT_BROKER_PORT = 9092;

/**
 * True when the brokers are the one `citystream up` starts: the local target and the single address
 * 127.0.0.1:`brokerPort`. Only then is "start the local stack" the right advice when nothing answers.
 */
export function isEmbeddedBroker(config: BrokerTarget): boolean {
  const port = config.brokerPort ?? DEFAULT_BROKER_PORT;
  const [only, ...more] = config.brokers;
  return (
    config.target === 'local' &&
    more.length === 0 &&
    (only === `127.0.0.1:${port}` || only === `localhost:${port}`)
  );
}

export function unreachableError(config: BrokerTarget, cause?: unknown): Error {
  const where = config.brokers.join(',');
  if (config.target === 'local')
    return new UserError(`no Kafka broker at ${where}`, {
      hint: isEmbeddedBroker(config)
        ? 'start the local stack with `citystream up`'
        : 'start a broker there, or correct --brokers',
      cause,
    });
  return new ServiceError(`cannot reach Kafka at ${where}`, {
    hint: 'check --brokers and that the brokers accept connections from this machine',
    cause,
  });
}

/** True when an error (or one of its causes) says a broker could not be reached at all. */
export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; depth += 1) {
    const name = (e as { name?: string }).name ?? '';
    const code = (e as { code?: string }).code ?? '';
    if (
      name === 'KafkaJSConnectionError' ||
      name === 'KafkaJSNoBrokerAvailableError' ||
      name === 'KafkaJSBrokerNotFound' ||
      code === 'ECONNREFUSED' ||
      code === 'EHOSTUNREACH' ||
      code === 'ENOTFOUND'
    )
      return true;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Turns a kafkajs failure into the error the user sees: unreachable → the unreachable message, else a ServiceError. */
export function translateKafkaError(err: unknown, config: BrokerTarget, action: string): Error {
  if (isExpectedError(err)) return err;
  if (isConnectionError(err)) return unreachableError(config, err);
  const message = err instanceof Error ? err.message : String(err);
  return new ServiceError(`Kafka ${action} failed: ${message}`, { cause: err });
}

/**
 * Creates the topic when it does not exist yet (with `partitions`), so a fresh cluster gets the
 * partition count citystream wants rather than the broker's auto-create default. Returns false when the
 * topic already existed. A broker that cannot create topics is left to auto-create on first produce.
 */
export async function ensureTopic(kafka: Kafka, topic: string, partitions: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (topics.includes(topic)) return false;
    try {
      return await admin.createTopics({
        topics: [{ topic, numPartitions: partitions }],
        waitForLeaders: true,
      });
    } catch (err) {
      if ((err as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return false;
      if ((err as { name?: string }).name === 'KafkaJSServerDoesNotSupportApiKey') return false;
      throw err;
    }
  } finally {
    await admin.disconnect();
  }
}

function canConnect(address: string, timeoutMs: number): Promise<boolean> {
  const at = address.lastIndexOf(':');
  const host = at < 0 ? address : address.slice(0, at);
  const port = at < 0 ? 9092 : Number(address.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
