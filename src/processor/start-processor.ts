import type { Writable } from 'node:stream';
import type { ProcessFlags } from '../commands/process.js';
import type { Context } from '../commands/context.js';
import type { Config } from '../config/settings.js';
import {
  assertBrokerReachable,
  ensureTopic,
  kafkaFromConfig,
  translateKafkaError,
} from '../clients/kafka.js';
import { ConsoleView } from './console-view.js';
import { ProcessorMetrics, serveMetrics } from './metrics.js';
import { minutesToMs } from '../events/windows.js';
import { Processor, type ProcessorOptions } from './processor.js';
import { noneSink, type ProcessorSink } from './sinks/sink.js';

export interface PipelineProcessorOptions {
  sink: 'dynamodb' | 'none';
  fromBeginning?: boolean;
  metrics?: ProcessorMetrics;
  tickMs?: number;
  idleAfterMs?: number;
  debug?: boolean;
  logTo?: Writable;
  onError?: (err: unknown) => void;
  /** Extra processor settings (tests). */
  overrides?: Partial<ProcessorOptions>;
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
    fromBeginning: options.fromBeginning ?? true,
    metrics: options.metrics,
    tickMs: options.tickMs,
    idleAfterMs: options.idleAfterMs,
    onError: options.onError,
    ...options.overrides,
  });
  try {
    await processor.start();
  } catch (err) {
    await processor.stop().catch(() => {});
    await sink.close();
    throw translateKafkaError(err, config, 'consumer start');
  }
  return {
    processor,
    sink,
    stop: async () => {
      await processor.stop();
      await sink.close();
    },
  };
}

/** `citystream process`: runs until Ctrl-C (or SIGTERM), then finishes in-flight batches and commits. */
export async function runProcess(ctx: Context, flags: ProcessFlags): Promise<void> {
  const metrics = new ProcessorMetrics({ defaultMetrics: true });
  const running = await startPipelineProcessor(ctx.config, {
    sink: flags.sink,
    fromBeginning: flags.fromBeginning,
    metrics,
    tickMs: flags.tickMs,
    debug: ctx.debug,
    logTo: ctx.io.stderr,
    onError: (err) => ctx.out.warn(`idle tick failed: ${(err as Error).message}`),
  });
  const { processor } = running;
  const server = flags.metricsPort === undefined ? undefined : await serveMetrics(metrics, flags.metricsPort);
  ctx.out.info(
    `processing ${ctx.config.topic} as group ${ctx.config.group} → ${flags.sink === 'none' ? 'nowhere (--sink none)' : `tables ${ctx.config.prefix}*`}` +
      `; window ${ctx.config.windowMinutes} min, watermark ${ctx.config.watermarkMinutes} min` +
      (server ? `; metrics at ${server.url}` : '') +
      '. Ctrl-C to stop.',
  );
  const view = flags.console
    ? new ConsoleView({
        interactive: ctx.out.interactive,
        json: ctx.out.json,
        // The view is the command's output when asked for; progress otherwise stays on stderr.
        write: (text) => (ctx.out.json ? ctx.io.stdout : ctx.io.stderr).write(text),
      })
    : undefined;
  const timer = view
    ? setInterval(
        () => view.refresh(processor.totals, processor.openWindowCounts(), processor.totalLag()),
        1000,
      )
    : undefined;
  let failure: unknown;
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    processor.done.catch((err: unknown) => {
      failure = err;
      resolve();
    });
  });
  if (timer) clearInterval(timer);
  ctx.out.info('stopping: finishing in-flight batches and committing…');
  await running.stop();
  await server?.close();
  if (failure) throw translateKafkaError(failure, ctx.config, 'consumer');
  const totals = { ...processor.totals, lag: processor.totalLag() };
  if (ctx.out.json && view) return; // the NDJSON stream was the output
  ctx.out.result(
    totals,
    () =>
      `processed ${totals.consumed} messages: ${totals.valid} valid, ${totals.invalid} malformed, ${totals.late} late, ` +
      `${totals.replayed} already processed; ${totals.deadLetters} to ${ctx.config.dlqTopic}`,
  );
}
