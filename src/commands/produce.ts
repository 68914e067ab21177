import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Context } from './context.js';
import { EVENT_TYPES, type EventType } from '../events/event.js';
import type { OutgoingMessage, ProduceSummary } from '../events/producer.js';
import { UserError } from '../errors.js';
import { renderPairs } from '../ui/table.js';
import { defineCommand } from './define-command.js';
import { durationInRange, formatDuration } from './duration-option.js';
import { EVENT_RATE, intInRange, numberInRange, oneOf } from './option-parsers.js';

export interface ProduceFlags {
  rate: number;
  count?: number;
  duration?: number;
  seed?: string;
  cities?: string;
  types?: string;
  severityMix: 'uniform' | 'realistic';
  lateFraction: number;
  maxLateness: number;
  invalidFraction: number;
  fromFile?: string;
  batchSize: number;
  startTime?: string;
  timeStep?: number;
  metricsPort?: number;
}

const GENERATOR_FLAGS = ['seed', 'cities', 'types', 'startTime', 'timeStep'] as const;

export const produceCommand = defineCommand<ProduceFlags>({
  name: 'produce',
  description: 'send synthetic city events (or replay a file) to the events topic, paced at a rate',
  examples: [
    'citystream produce --rate 0.2',
    'citystream produce --count 1000 --rate 0 --seed 7',
    'citystream produce --duration 10m --rate 50 --late-fraction 0.05 --invalid-fraction 0.01',
    'citystream produce --cities Chicago,NYC --types traffic,incident --severity-mix realistic',
    'citystream produce --from-file recorded.jsonl --rate 100',
    'citystream produce --count 500 --seed 7 --json | jq .sent',
    'citystream produce --workload clickstream --rate 20 --late-fraction 0.02 --invalid-fraction 0.01',
  ],
  settings: ['topic', 'workload'],
  options: [
    {
      flags: '--rate <n>',
      description: 'events per second; 0 = as fast as the broker takes them',
      parse: numberInRange(EVENT_RATE.min, EVENT_RATE.max),
      default: EVENT_RATE.default,
    },
    {
      flags: '--count <n>',
      description: 'stop after this many messages',
      parse: intInRange(1, 1_000_000_000),
    },
    {
      flags: '--duration <d>',
      description: 'stop after this long (30s, 10m, 1h)',
      parse: durationInRange(1, 365 * 86_400_000),
    },
    { flags: '--seed <s>', description: 'seed for a reproducible stream (same seed, same events and ids)' },
    {
      flags: '--cities <list>',
      description: 'comma-separated cities (default NYC,LA,Chicago,SF,Boston,Seattle)',
    },
    {
      flags: '--types <list>',
      description: `comma-separated event types (default ${EVENT_TYPES.join(',')})`,
    },
    {
      flags: '--severity-mix <mix>',
      description: 'uniform, or realistic (mostly low and medium)',
      parse: oneOf(['uniform', 'realistic']),
      default: 'uniform',
    },
    {
      flags: '--late-fraction <f>',
      description: 'fraction of events whose time lags (out of order, some late)',
      parse: numberInRange(0, 1),
      default: 0,
    },
    {
      flags: '--max-lateness <d>',
      description: 'largest lag of a lagging event',
      parse: durationInRange(1, 7 * 86_400_000),
      default: 20 * 60_000,
      defaultLabel: '20m',
    },
    {
      flags: '--invalid-fraction <f>',
      description: 'fraction of malformed messages (for the dead-letter path)',
      parse: numberInRange(0, 1),
      default: 0,
    },
    {
      flags: '--from-file <path>',
      description: 'replay a file: one message value per line, sent as is, keyed by its city',
    },
    {
      flags: '--batch-size <n>',
      description: 'most messages per produce request',
      parse: intInRange(1, 100_000),
      default: 500,
    },
    {
      flags: '--start-time <iso>',
      description: 'event times start here and advance by --time-step (default: the wall clock)',
    },
    {
      flags: '--time-step <d>',
      description: 'event-time step with --start-time (default 1/rate)',
      parse: durationInRange(1, 86_400_000),
    },
    {
      flags: '--metrics-port <port>',
      description: 'serve Prometheus metrics on this port (0: any free port)',
      parse: intInRange(0, 65535),
    },
  ],
  handler: (ctx, flags) => runProduce(ctx, flags),
});

async function runProduce(ctx: Context, opts: ProduceFlags): Promise<void> {
  const clickstream = ctx.config.workload === 'clickstream';
  const generator = opts.fromFile || clickstream ? undefined : generatorOptions(opts);
  if (opts.fromFile) {
    const given = GENERATOR_FLAGS.filter((f) => opts[f] !== undefined);
    if (given.length > 0 || opts.lateFraction > 0 || opts.invalidFraction > 0)
      throw new UserError('--from-file replays the file as it is; generator options do not apply to it', {
        hint: 'drop --seed/--cities/--types/--late-fraction/--invalid-fraction/--start-time, or --from-file',
      });
    await access(path.resolve(ctx.io.cwd, opts.fromFile)).catch((err: unknown) => {
      throw new UserError(`cannot read ${opts.fromFile}`, {
        cause: err,
        hint: 'check the path of --from-file',
      });
    });
  }

  const { assertBrokerReachable, ensureTopic, translateKafkaError } = await import('../clients/kafka.js');
  const { produceEvents, PRODUCER_CLIENT_RETRY } = await import('../events/producer.js');
  const { startProgress } = await import('../ui/spinner.js');
  const clicks = clickstream ? await import('./produce-clickstream.js') : undefined;
  const config = clicks ? clicks.clickstreamProduceConfig(ctx) : ctx.config;
  const clickSource = clicks && !opts.fromFile ? clicks.clickMessages(opts, eventClock(opts)) : undefined;
  await assertBrokerReachable(config);
  const kafka = await ctx.kafka('citystream-produce', { retry: PRODUCER_CLIENT_RETRY });
  const metrics =
    opts.metricsPort === undefined
      ? undefined
      : await (await import('../events/producer-metrics.js')).serveProducerMetrics(opts.metricsPort);
  if (metrics) ctx.out.info(`metrics at ${metrics.url}`);
  const progress = await startProgress(ctx.out, `producing to ${config.topic}…`);
  let summary: ProduceSummary;
  try {
    await ensureTopic(kafka, config.topic, config.partitions);
    const file = opts.fromFile ? path.resolve(ctx.io.cwd, opts.fromFile) : undefined;
    summary = await produceEvents({
      kafka,
      topic: config.topic,
      generator,
      messages: file ? (clicks?.clickFileLines(file) ?? fileLines(file)) : clickSource?.messages,
      count: opts.count,
      durationMs: opts.duration,
      rate: opts.rate,
      batchSize: opts.batchSize,
      signal: ctx.signal,
      onProgress: (p) => {
        metrics?.update(p);
        progress.update(
          `producing to ${config.topic}: ${p.sent} sent (${p.rate.toFixed(1)}/s), ${p.invalid} invalid, ${p.late} late, ${p.errors} errors`,
        );
      },
    });
  } catch (err) {
    progress.fail(`producing to ${config.topic} failed`);
    throw translateKafkaError(err, config, 'produce');
  } finally {
    await metrics?.close();
  }
  if (clickSource) summary = { ...summary, seed: clickSource.seed };
  progress.succeed(`sent ${summary.sent} messages to ${summary.topic}`);
  if (summary.errors > 0) ctx.out.warn(`${summary.errors} messages were not acknowledged by the broker`);
  ctx.out.result(summaryDocument(summary), () =>
    renderPairs([
      ['topic', summary.topic],
      ['sent', summary.sent],
      ['invalid sent', summary.invalid],
      ['late sent', summary.late],
      ['errors', summary.errors],
      ['duration', `${(summary.elapsedMs / 1000).toFixed(1)}s`],
      ['rate', `${summary.rate.toFixed(1)}/s`],
      ['seed', summary.seed === undefined ? '(file replay)' : String(summary.seed)],
      ['idempotent producer', summary.idempotent ? 'yes' : 'no (the broker does not support it)'],
      ['stopped by', summary.stoppedBy],
    ]),
  );
}

function generatorOptions(opts: ProduceFlags) {
  if (opts.lateFraction + opts.invalidFraction > 1)
    throw new UserError(
      `--late-fraction (${opts.lateFraction}) and --invalid-fraction (${opts.invalidFraction}) add up to more than 1`,
    );
  const cities = opts.cities === undefined ? undefined : list(opts.cities, '--cities');
  for (const city of cities ?? [])
    if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(city))
      throw new UserError(`--cities: "${city}" is not a city name`, {
        hint: 'use 1 to 64 letters, digits, spaces, dots, underscores or hyphens per city',
      });
  const types = opts.types === undefined ? undefined : list(opts.types, '--types');
  const unknown = (types ?? []).filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new UserError(`--types: unknown event type ${unknown.join(', ')}`, {
      hint: `choose from ${EVENT_TYPES.join(', ')}`,
    });
  return {
    seed: opts.seed,
    cities,
    types: types as EventType[] | undefined,
    severityMix: opts.severityMix,
    lateFraction: opts.lateFraction,
    maxLatenessMs: opts.maxLateness,
    invalidFraction: opts.invalidFraction,
    clock: eventClock(opts),
  };
}

/** Event times from --start-time and --time-step, or undefined for the wall clock. */
function eventClock(opts: ProduceFlags): (() => number) | undefined {
  let clock: (() => number) | undefined;
  if (opts.startTime !== undefined) {
    const start = /^\d{4}-\d{2}-\d{2}/.test(opts.startTime) ? Date.parse(opts.startTime) : NaN;
    if (Number.isNaN(start))
      throw new UserError(
        `--start-time: expected an ISO-8601 time such as 2026-11-22T18:00:00Z, got "${opts.startTime}"`,
      );
    const step = opts.timeStep ?? (opts.rate > 0 ? Math.max(1, Math.round(1000 / opts.rate)) : 100);
    let i = 0;
    clock = () => start + step * i++;
  } else if (opts.timeStep !== undefined) {
    throw new UserError('--time-step needs --start-time', {
      hint: `e.g. --start-time 2026-11-22T12:00:00Z --time-step ${formatDuration(opts.timeStep)}`,
    });
  }
  return clock;
}

function list(text: string, flag: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UserError(`${flag}: expected a comma-separated list, got "${text}"`);
  return [...new Set(items)];
}

/** The lines of a file as messages, keyed by the city in the line when it has one; blank lines skipped. */
async function* fileLines(file: string): AsyncGenerator<OutgoingMessage> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    yield { key: cityOf(line), value: line };
  }
}

function cityOf(line: string): string | null {
  try {
    const parsed: unknown = JSON.parse(line);
    const city = (parsed as { city?: unknown } | null)?.city;
    return typeof city === 'string' ? city : null;
  } catch {
    return null;
  }
}

function summaryDocument(s: ProduceSummary) {
  return {
    topic: s.topic,
    sent: s.sent,
    invalid_sent: s.invalid,
    late_sent: s.late,
    errors: s.errors,
    duration_ms: s.elapsedMs,
    rate: Math.round(s.rate * 100) / 100,
    seed: s.seed ?? null,
    idempotent: s.idempotent,
    stopped_by: s.stoppedBy,
  };
}
