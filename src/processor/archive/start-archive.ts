import type { Writable } from 'node:stream';
import { kafkaFromConfig, translateKafkaError } from '../../clients/kafka.js';
import type { Config } from '../../config/settings.js';
import type { ProcessorMetrics } from '../metrics.js';
import { ArchiveMetrics } from './archive-metrics.js';
import { Archiver, type ArchiverOptions } from './archiver.js';
import { MAX_HOURS_PER_FLUSH } from './partition-buffer.js';
import { openStore, type ArchiveStore } from './store.js';
import { parseArchiveTarget, type ArchiveTarget } from './target.js';

export interface StartArchiveOptions {
  fromBeginning?: boolean;
  /** The processor's metrics: the archive's series go on the same registry. */
  metrics?: ProcessorMetrics;
  debug?: boolean;
  logTo?: Writable;
  onError?: ArchiverOptions['onError'];
  onDiscard?: ArchiverOptions['onDiscard'];
  /** Extra archiver settings (tests). */
  overrides?: Partial<ArchiverOptions>;
}

export interface RunningArchive {
  archiver: Archiver;
  target: ArchiveTarget;
  store: ArchiveStore;
  group: string;
  /** Settles when the archive stops; rejects (with a one-line error where one applies) if it fails. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** The archive's consumer group: its own offsets, beside the sink's. */
export function archiveGroup(group: string): string {
  return `${group}-archive`;
}

/** The stderr line `process` prints when the archive is on. */
export function describeArchive(config: Config, running: Pick<RunningArchive, 'target' | 'group'>): string {
  const mib = config.archiveMaxBytes / 1_048_576;
  const size = Number.isInteger(mib) ? `${mib} MiB` : `${config.archiveMaxBytes} bytes`;
  return (
    `archiving ${config.topic} to ${running.target.url} as group ${running.group}: gzip NDJSON objects of up to ` +
    `${config.archiveMaxEvents} messages or ${size}, written at the latest ${config.archiveMaxAge / 1000} s after their first message`
  );
}

/** A target that has passed its check, ready for {@link startArchive}. */
export interface OpenedArchive {
  target: ArchiveTarget;
  store: ArchiveStore;
}

/**
 * Parses `config.archive` and checks the target (bucket, credentials, endpoint, directory), so a mistake
 * is one line before any consumer starts.
 */
export async function openArchive(
  config: Config,
  env: Record<string, string | undefined>,
): Promise<OpenedArchive> {
  if (!config.archive) throw new Error('openArchive needs config.archive');
  const target = parseArchiveTarget(config.archive);
  const store = await openStore(target, config, env);
  try {
    await store.check();
  } catch (err) {
    store.close();
    throw err;
  }
  return { target, store };
}

/** Starts the archive's consumer group on an opened target. */
export async function startArchive(
  config: Config,
  { target, store }: OpenedArchive,
  options: StartArchiveOptions,
): Promise<RunningArchive> {
  const group = archiveGroup(config.group);
  const kafka = kafkaFromConfig(config, {
    clientId: 'citystream-archive',
    debug: options.debug,
    logTo: options.logTo,
  });
  const archiver = new Archiver({
    kafka,
    topic: config.topic,
    group,
    store,
    limits: {
      maxEvents: config.archiveMaxEvents,
      maxBytes: config.archiveMaxBytes,
      maxAgeMs: config.archiveMaxAge,
      maxHours: MAX_HOURS_PER_FLUSH,
    },
    fromBeginning: options.fromBeginning ?? true,
    sessionTimeoutMs: config.sessionTimeoutMs,
    heartbeatIntervalMs: Math.min(config.heartbeatIntervalMs, Math.floor(config.sessionTimeoutMs / 3)),
    metrics: options.metrics ? new ArchiveMetrics(options.metrics) : undefined,
    onError: options.onError,
    onDiscard: options.onDiscard,
    ...options.overrides,
  });
  try {
    await archiver.start();
  } catch (err) {
    await archiver.stop().catch(() => {});
    throw translateKafkaError(err, config, 'archive consumer start');
  }
  const done = archiver.done.catch((err: unknown) => {
    throw translateKafkaError(err, config, 'archive consumer');
  });
  done.catch(() => {}); // observed by whoever awaits it
  return { archiver, target, store, group, done, stop: () => archiver.stop() };
}
