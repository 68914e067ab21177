import { UserError } from '../errors.js';
import { defineCommand } from './define-command.js';
import { describeArchived, openArchiveFlag, startBeside } from './process-archive.js';
import { intInRange } from './option-parsers.js';
import { runUntilStopped } from './run-until-stopped.js';

export interface ProcessFlags {
  console?: boolean;
  metricsPort?: number;
  sink: 'dynamodb' | 'postgres' | 'none';
  fromBeginning: boolean;
  dlqDuplicates?: boolean;
  /** Hidden: the idle tick's period in ms (tests). */
  tickMs?: number;
}

/** `citystream process`: runs until Ctrl-C (or SIGTERM), then finishes in-flight batches and commits. */
export const processCommand = defineCommand<ProcessFlags>({
  name: 'process',
  description:
    'run the stream processor: raw events, alerts, 5-minute windows and daily rollups into DynamoDB, exactly once',
  examples: [
    'citystream process',
    'citystream process --console',
    'citystream process --metrics-port 9464 --group citystream-processor',
    'citystream process --window 1 --watermark 2 --alert-severities critical',
    'citystream process --sink none --json --console   # compute cost alone, NDJSON stats',
    'citystream process --dedupe-horizon 48 --dlq-duplicates   # copies within 48 h count once, and go to the DLQ',
    'citystream process --workload clickstream --sink postgres --pg-url postgres://citystream@db:5432/citystream',
    'citystream process --workload clickstream --pg-secret arn:aws:secretsmanager:us-east-1:123:secret:rds',
    'citystream process --session-timeout 6000 --heartbeat-interval 1000   # a killed member stalls its partitions 6 s',
    'citystream process --archive file:///var/lib/citystream/archive   # every raw message, gzip NDJSON by hour',
    'AWS_PROFILE=prod citystream process --workload clickstream --archive s3://my-bucket/raw --archive-max-age 5m',
  ],
  settings: [
    'group',
    { key: 'windowMinutes', flag: '--window <minutes>' },
    {
      key: 'watermarkMinutes',
      flag: '--watermark <minutes>',
      description: 'allowed lateness in minutes; older events are late',
    },
    'alertSeverities',
    { key: 'dedupeHorizonHours', flag: '--dedupe-horizon <hours>' },
    'dedupeClaims',
    'workload',
    'pgUrl',
    'pgSecret',
    { key: 'sessionTimeoutMs', flag: '--session-timeout <ms>' },
    { key: 'heartbeatIntervalMs', flag: '--heartbeat-interval <ms>' },
    { key: 'archive', flag: '--archive <url>' },
    'archiveMaxEvents',
    'archiveMaxBytes',
    'archiveMaxAge',
  ],
  options: [
    { flags: '--console', description: 'show a live view of the open windows, lag and throughput' },
    {
      flags: '--metrics-port <port>',
      description: 'serve Prometheus metrics on this port (0: any free port)',
      parse: intInRange(0, 65535),
    },
    {
      flags: '--sink <sink>',
      description:
        'where results go: dynamodb (city), postgres (clickstream); none measures the processing alone',
      choices: ['dynamodb', 'postgres', 'none'],
    },
    {
      flags: '--dlq-duplicates',
      description: 'also send identical copies of counted events to the DLQ (reason duplicate)',
    },
    {
      flags: '--from-beginning',
      description: 'a group with no committed offsets starts at the oldest message',
      default: true,
    },
    {
      flags: '--no-from-beginning',
      description: 'a group with no committed offsets starts at new messages only',
    },
    { flags: '--tick-ms <ms>', description: 'idle tick period', parse: intInRange(10, 60_000), hidden: true },
  ],
  async handler(ctx, flags) {
    if (ctx.config.heartbeatIntervalMs >= ctx.config.sessionTimeoutMs)
      throw new UserError(
        `--heartbeat-interval (${ctx.config.heartbeatIntervalMs} ms) must be below --session-timeout (${ctx.config.sessionTimeoutMs} ms)`,
        { hint: 'Kafka advises at most a third of the session timeout' },
      );
    if (ctx.config.workload === 'clickstream')
      return (await import('./process-clickstream.js')).processClickstream(ctx, flags);
    if (flags.sink === 'postgres')
      throw new UserError('--sink postgres is the clickstream sink', { hint: 'add --workload clickstream' });
    const sink = flags.sink ?? 'dynamodb';
    const [
      { startPipelineProcessor, describeJoin },
      { ProcessorMetrics },
      { serveMetrics },
      { ConsoleView },
      { translateKafkaError },
    ] = await Promise.all([
      import('../processor/start-processor.js'),
      import('../processor/metrics.js'),
      import('../clients/metrics-server.js'),
      import('../processor/console-view.js'),
      import('../clients/kafka.js'),
    ]);
    const archiveFlag = await openArchiveFlag(ctx, ctx.config);
    const metrics = new ProcessorMetrics({ defaultMetrics: true });
    const running = await startPipelineProcessor(ctx.config, {
      sink,
      fromBeginning: flags.fromBeginning,
      dlqDuplicates: flags.dlqDuplicates ?? false,
      metrics,
      tickMs: flags.tickMs,
      debug: ctx.debug,
      logTo: ctx.io.stderr,
      onError: (err) => ctx.out.warn(`idle tick failed: ${(err as Error).message}`),
      onGroupJoin: (join) => ctx.out.info(describeJoin(ctx.config, join)),
    }).catch((err: unknown) => {
      archiveFlag?.close();
      throw err;
    });
    const { processor } = running;
    const archive = await startBeside(archiveFlag, running, { fromBeginning: flags.fromBeginning, metrics });
    const server =
      flags.metricsPort === undefined ? undefined : await serveMetrics(metrics, flags.metricsPort);
    ctx.out.info(
      `processing ${ctx.config.topic} as group ${ctx.config.group} → ${sink === 'none' ? 'nowhere (--sink none)' : `tables ${ctx.config.prefix}*`}` +
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
    try {
      await runUntilStopped(ctx, {
        stopping: 'stopping: finishing in-flight batches and committing…',
        stopped: 'processor stopped',
        ended: archive ? Promise.race([processor.done, archive.done]) : processor.done,
        stop: async () => {
          if (timer) clearInterval(timer);
          await Promise.all([running.stop(), archive?.stop()]);
          await server?.close();
        },
      });
    } catch (err) {
      throw translateKafkaError(err, ctx.config, 'consumer');
    }
    const totals = {
      ...processor.totals,
      lag: processor.totalLag(),
      ...(archive ? { archived: { ...archive.archiver.totals } } : {}),
    };
    if (ctx.out.json && view) return; // the NDJSON stream was the output
    ctx.out.result(
      totals,
      () =>
        `processed ${totals.consumed} messages: ${totals.valid} valid, ${totals.invalid} malformed, ${totals.late} late, ` +
        `${totals.replayed} already processed, ${totals.duplicates} duplicates dropped, ${totals.conflicting} conflicting; ` +
        `${totals.deadLetters} to ${ctx.config.dlqTopic}` +
        (archive ? `; ${describeArchived(archive)}` : ''),
    );
  },
});
