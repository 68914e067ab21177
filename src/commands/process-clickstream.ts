import { UserError } from '../errors.js';
import type { Context } from './context.js';
import type { ProcessFlags } from './process.js';
import { describeArchived, openArchiveFlag, startBeside } from './process-archive.js';
import { runUntilStopped } from './run-until-stopped.js';

/** `process --workload clickstream`: the PostgreSQL sink, exactly once, until Ctrl-C. */
export async function processClickstream(ctx: Context, flags: ProcessFlags): Promise<void> {
  if (flags.sink !== undefined && flags.sink !== 'postgres')
    throw new UserError(`--sink ${flags.sink} is not a clickstream sink`, {
      hint: 'the clickstream writes to PostgreSQL: --sink postgres (the default)',
    });
  const [{ startClickstreamProcessor }, { ProcessorMetrics }, { serveMetrics }, { clickstreamConfig }, pgc] =
    await Promise.all([
      import('../processor/clickstream/start-clickstream.js'),
      import('../processor/metrics.js'),
      import('../clients/metrics-server.js'),
      import('../events/clickstream/topics.js'),
      import('../clients/postgres.js'),
    ]);
  const config = clickstreamConfig(ctx.config, ctx.sources);
  const archiveFlag = await openArchiveFlag(ctx, config);
  const metrics = new ProcessorMetrics({ defaultMetrics: true });
  const running = await startClickstreamProcessor(config, {
    env: ctx.io.env,
    fromBeginning: flags.fromBeginning,
    metrics,
    debug: ctx.debug,
    logTo: ctx.io.stderr,
    onError: (err) => ctx.out.warn(`idle tick failed: ${(err as Error).message}`),
    overrides: flags.tickMs === undefined ? {} : { tickMs: flags.tickMs },
  }).catch((err: unknown) => {
    archiveFlag?.close();
    throw err;
  });
  const archive = await startBeside(archiveFlag, running, { fromBeginning: flags.fromBeginning, metrics });
  const server = flags.metricsPort === undefined ? undefined : await serveMetrics(metrics, flags.metricsPort);
  const { processor } = running;
  ctx.out.info(
    `processing ${config.topic} as group ${config.group} → ${pgc.describePg(running.connection)}` +
      `; window ${config.windowMinutes} min, watermark ${config.watermarkMinutes} min, sessions close after 30 min` +
      (server ? `; metrics at ${server.url}` : '') +
      '. Ctrl-C to stop.',
  );
  try {
    await runUntilStopped(ctx, {
      stopping: 'stopping: finishing in-flight batches and committing…',
      stopped: 'processor stopped',
      ended: archive ? Promise.race([processor.done, archive.done]) : processor.done,
      stop: async () => {
        await Promise.all([running.stop(), archive?.stop()]);
        await server?.close();
      },
    });
  } catch (err) {
    throw pgc.translatePgError(err, running.connection);
  }
  const totals = {
    ...processor.totals,
    lag: processor.totalLag(),
    ...(archive ? { archived: { ...archive.archiver.totals } } : {}),
  };
  ctx.out.result(
    totals,
    () =>
      `processed ${totals.consumed} messages: ${totals.valid} valid, ${totals.invalid} malformed, ${totals.late} late, ` +
      `${totals.replayed} already processed; ${totals.deadLetters} to ${config.dlqTopic}` +
      (archive ? `; ${describeArchived(archive)}` : ''),
  );
}
