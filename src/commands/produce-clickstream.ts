import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Config } from '../config/settings.js';
import { ClickstreamGenerator } from '../events/clickstream/click-generator.js';
import { parseClickEvent } from '../events/clickstream/click-schema.js';
import { clickstreamConfig } from '../events/clickstream/topics.js';
import type { OutgoingMessage } from '../events/producer.js';
import { UserError } from '../errors.js';
import type { Context } from './context.js';
import type { ProduceFlags } from './produce.js';

/** `produce --workload clickstream`: the clickstream generator (or a file) instead of city events. */
export function clickstreamProduceConfig(ctx: Context): Config {
  return clickstreamConfig(ctx.config, ctx.sources);
}

export function clickMessages(
  opts: ProduceFlags,
  clock: (() => number) | undefined,
): { seed: number | string; messages: Iterable<OutgoingMessage> } {
  const cityOnly = (['cities', 'types'] as const).filter((f) => opts[f] !== undefined);
  if (cityOnly.length > 0 || opts.severityMix !== 'uniform')
    throw new UserError('--cities, --types and --severity-mix are city-event options', {
      hint: 'drop them with --workload clickstream',
    });
  if (opts.lateFraction + opts.invalidFraction > 1)
    throw new UserError('--late-fraction and --invalid-fraction add up to more than 1');
  const generator = new ClickstreamGenerator({
    seed: opts.seed,
    lateFraction: opts.lateFraction,
    invalidFraction: opts.invalidFraction,
    maxLatenessMs: opts.maxLateness,
    clock,
  });
  function* messages(): Generator<OutgoingMessage> {
    for (;;) {
      const m = generator.next();
      yield { key: m.key, value: m.value, kind: m.kind };
    }
  }
  return { seed: generator.seed, messages: messages() };
}

/** A replayed file: each line as is, keyed by its session when it has one. */
export async function* clickFileLines(file: string): AsyncGenerator<OutgoingMessage> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = parseClickEvent(line);
    yield {
      key: parsed.ok ? parsed.event.session_id : sessionOf(line),
      value: line,
      kind: parsed.ok ? 'valid' : 'invalid',
    };
  }
}

function sessionOf(line: string): string | null {
  try {
    const session = (JSON.parse(line) as { session_id?: unknown } | null)?.session_id;
    return typeof session === 'string' ? session : null;
  } catch {
    return null;
  }
}
