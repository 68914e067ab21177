import type { Config } from '../config/settings.js';
import type { OpenedArchive, RunningArchive } from '../processor/archive/start-archive.js';
import type { ProcessorMetrics } from '../processor/metrics.js';
import type { Context } from './context.js';

/**
 * `process --archive`, for either workload. The target is parsed and checked (bucket, credentials,
 * endpoint, directory) before the sink's processor starts, so a mistake is one line and nothing runs;
 * the archive's own consumer group starts beside the processor once that is up.
 */
export interface ArchiveFlag {
  /** `config`: the one to consume with, when it is not the one the flag was opened with (`up` sets brokers). */
  start(options: {
    fromBeginning: boolean;
    metrics?: ProcessorMetrics;
    config?: Config;
  }): Promise<RunningArchive>;
  close(): void;
}

export async function openArchiveFlag(ctx: Context, config: Config): Promise<ArchiveFlag | undefined> {
  if (config.archive === undefined) return undefined;
  const { openArchive, startArchive, describeArchive } =
    await import('../processor/archive/start-archive.js');
  const opened: OpenedArchive = await openArchive(config, ctx.io.env);
  return {
    close: () => opened.store.close(),
    start: async ({ fromBeginning, metrics, config: consuming = config }) => {
      const running = await startArchive(consuming, opened, {
        fromBeginning,
        metrics,
        debug: ctx.debug,
        logTo: ctx.io.stderr,
        onError: (err) => ctx.out.warn(`archive: ${(err as Error).message}; trying again`),
        onDiscard: (partition, keys) =>
          ctx.out.info(
            `archive: removed ${keys.length} object${keys.length === 1 ? '' : 's'} of partition ${partition} written after its last commit; the replay writes them again`,
          ),
      });
      ctx.out.info(describeArchive(consuming, running));
      return running;
    },
  };
}

/** Starts the archive beside a started processor; if it cannot start, the processor is stopped too. */
export async function startBeside(
  flag: ArchiveFlag | undefined,
  processor: { stop(): Promise<void> },
  options: { fromBeginning: boolean; metrics: ProcessorMetrics },
): Promise<RunningArchive | undefined> {
  if (!flag) return undefined;
  try {
    return await flag.start(options);
  } catch (err) {
    await processor.stop();
    throw err;
  }
}

/** The summary's archive part: `archived 300 messages in 6 objects to file:///…`. */
export function describeArchived(archive: RunningArchive): string {
  const { events, objects } = archive.archiver.totals;
  return `archived ${events} messages in ${objects} object${objects === 1 ? '' : 's'} to ${archive.target.url}`;
}
