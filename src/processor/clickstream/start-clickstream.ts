import { startWithSink } from '../start-with-sink.js';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import {
  assertBrokerReachable,
  ensureTopic,
  kafkaFromConfig,
  translateKafkaError,
} from '../../clients/kafka.js';
import { pgPoolFromConfig, translatePgError, type PgConnection } from '../../clients/postgres.js';
import type { Config } from '../../config/settings.js';
import { minutesToMs } from '../../events/windows.js';
import type { ProcessorMetrics } from '../metrics.js';
import { PostgresClickSink } from '../sinks/postgres-sink.js';
import { ClickstreamMetrics } from './click-metrics.js';
import { ClickProcessor, type ClickProcessorOptions } from './click-processor.js';

export const SESSION_GAP_MS = 30 * 60_000;

export interface StartClickstreamOptions {
  /** The environment the password is read from (PGPASSWORD, PGPASSFILE). */
  env: Record<string, string | undefined>;
  fromBeginning?: boolean;
  metrics?: ProcessorMetrics;
  debug?: boolean;
  logTo?: Writable;
  onError?: (err: unknown) => void;
  overrides?: Partial<ClickProcessorOptions>;
}

export interface RunningClickstream {
  processor: ClickProcessor;
  pool: pg.Pool;
  connection: PgConnection;
  stop(): Promise<void>;
}

/**
 * The clickstream processor from the resolved config (topic, group and window already the clickstream's:
 * see clickstreamConfig): checks the broker and PostgreSQL, creates the topics, starts consuming.
 */
export async function startClickstreamProcessor(
  config: Config,
  options: StartClickstreamOptions,
): Promise<RunningClickstream> {
  const kafka = kafkaFromConfig(config, {
    clientId: 'citystream-clickstream',
    debug: options.debug,
    logTo: options.logTo,
  });
  await assertBrokerReachable(config);
  const { pool, connection } = await pgPoolFromConfig(config, options.env, { max: 8 });
  try {
    await pool.query('SELECT 1 FROM stream_offsets LIMIT 1');
  } catch (err) {
    await pool.end();
    throw translatePgError(err, connection);
  }
  try {
    await ensureTopic(kafka, config.topic, config.partitions);
    await ensureTopic(kafka, config.dlqTopic, 1);
  } catch (err) {
    await pool.end();
    throw translateKafkaError(err, config, 'topic setup');
  }
  const metrics = options.metrics ? new ClickstreamMetrics(options.metrics) : undefined;
  const sink = new PostgresClickSink(pool, {
    group: config.group,
    topic: config.topic,
    onRetry: () => metrics?.retries.inc(),
  });
  const processor = new ClickProcessor({
    kafka,
    topic: config.topic,
    dlqTopic: config.dlqTopic,
    group: config.group,
    sink,
    windowMs: minutesToMs(config.windowMinutes),
    watermarkDelayMs: minutesToMs(config.watermarkMinutes),
    sessionGapMs: SESSION_GAP_MS,
    sessionTimeoutMs: config.sessionTimeoutMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    fromBeginning: options.fromBeginning ?? true,
    metrics,
    onError: options.onError,
    ...options.overrides,
  });
  const stop = await startWithSink(processor, () => pool.end(), config);
  return { processor, pool, connection, stop };
}
