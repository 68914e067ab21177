import { startWithSink } from './start-with-sink.js';
import type { Writable } from 'node:stream';
import type { Config } from '../config/settings.js';
import {
  assertBrokerReachable,
  ensureTopic,
  kafkaFromConfig,
  translateKafkaError,
} from '../clients/kafka.js';
import type { LiveBus } from './live-bus.js';
import type { ProcessorMetrics } from './metrics.js';
import { minutesToMs } from '../events/windows.js';
import { Processor, type GroupJoin, type ProcessorOptions } from './processor.js';
import { noneSink, type ProcessorSink } from './sinks/sink.js';

export interface PipelineProcessorOptions {
  sink: 'dynamodb' | 'none';
  fromBeginning?: boolean;
  metrics?: ProcessorMetrics;
  /** The in-process bus the API of `up` subscribes to (the web console's live stream). */
  live?: LiveBus;
  tickMs?: number;
  idleAfterMs?: number;
  /** Send identical duplicates to the DLQ as well (`--dlq-duplicates`). */
  dlqDuplicates?: boolean;
  debug?: boolean;
  logTo?: Writable;
  onError?: (err: unknown) => void;
  /** Told each time this member joins a generation of the group (and which partitions it owns). */
  onGroupJoin?: ProcessorOptions['onGroupJoin'];
  /** Extra processor settings (tests). */
  overrides?: Partial<ProcessorOptions>;
}

/** The de-duplication horizon: the setting, or as long as raw events are kept (at least a day). */
export function dedupeHorizonMs(config: Pick<Config, 'dedupeHorizonHours' | 'ttlDays'>): number {
  return Math.round((config.dedupeHorizonHours ?? Math.max(24, config.ttlDays * 24)) * 3_600_000);
}

/** The stderr line `process` and `up` print when the member has joined: which partitions it owns. */
export function describeJoin(config: Pick<Config, 'group' | 'topic'>, join: GroupJoin): string {
  const owns =
    join.partitions.length === 0
      ? `owns no partition of ${config.topic} (more members than partitions)`
      : `owns ${config.topic} partition${join.partitions.length === 1 ? '' : 's'} ${join.partitions.join(', ')}`;
  return `joined group ${config.group} as ${join.memberId}${join.isLeader ? ' (leader)' : ''}; ${owns}`;
}

/** A processor built from the resolved config, with its sink; `up`, `process` and the tests use this. */
export async function startPipelineProcessor(
  config: Config,
  options: PipelineProcessorOptions,
): Promise<{ processor: Processor; sink: ProcessorSink; stop(): Promise<void> }> {
  const kafka = kafkaFromConfig(config, {
    clientId: 'citystream-processor',
    debug: options.debug,
    logTo: options.logTo,
  });
  await assertBrokerReachable(config);
  try {
    await ensureTopic(kafka, config.topic, config.partitions);
    await ensureTopic(kafka, config.dlqTopic, 1);
  } catch (err) {
    throw translateKafkaError(err, config, 'topic setup');
  }
  const sink =
    options.sink === 'none'
      ? noneSink()
      : await (await import('./sinks/dynamodb-sink.js')).dynamoSink(config, { metrics: options.metrics });
  const processor = new Processor({
    kafka,
    topic: config.topic,
    dlqTopic: config.dlqTopic,
    group: config.group,
    sink,
    windowMs: minutesToMs(config.windowMinutes),
    watermarkDelayMs: minutesToMs(config.watermarkMinutes),
    alertSeverities: config.alertSeverities,
    dedupeHorizonMs: dedupeHorizonMs(config),
    dlqDuplicates: options.dlqDuplicates ?? false,
    fromBeginning: options.fromBeginning ?? true,
    metrics: options.metrics,
    live: options.live,
    tickMs: options.tickMs,
    idleAfterMs: options.idleAfterMs,
    onError: options.onError,
    sessionTimeoutMs: config.sessionTimeoutMs,
    // Kafka's advice: at most a third of the session timeout, so two missed heartbeats do not evict.
    heartbeatIntervalMs: Math.min(config.heartbeatIntervalMs, Math.floor(config.sessionTimeoutMs / 3)),
    onGroupJoin: options.onGroupJoin,
    ...options.overrides,
  });
  const stop = await startWithSink(processor, () => sink.close(), config);
  return { processor, sink, stop };
}
