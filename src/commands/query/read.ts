import { InvalidArgumentError } from 'commander';
import type { ReadContext } from '../../queries/index.js';
import { cityProblem, parseInstant } from '../../queries/parameters.js';
import type { Context } from '../context.js';
import type { ArgumentSpec, OptionSpec } from '../define-command.js';
import { intInRange } from '../option-parsers.js';

/**
 * What the `query` verbs share. Each prints the same document the REST API returns (with --json) or a
 * table; the parameter rules are the read side's own (queries/parameters.ts), so CLI and API agree.
 */
type Reads = typeof import('../../queries/index.js');

/** Runs one read against the configured endpoint and prints its document, or `render`'s table. */
export async function printRead<D>(
  ctx: Context,
  ask: (reads: Reads, read: ReadContext) => Promise<D>,
  render: (doc: D) => string,
): Promise<void> {
  const [client, { tableNames }, reads] = await Promise.all([
    ctx.dynamo(),
    import('../../store/table-definitions.js'),
    import('../../queries/index.js'),
  ]);
  const doc = await ask(reads, {
    client,
    tables: tableNames(ctx.config.prefix),
    ttlDays: ctx.config.ttlDays,
  });
  ctx.out.result(doc, () => render(doc));
}

function cityName(value: string): string {
  const problem = cityProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

export function instant(value: string): string {
  const parsed = parseInstant(value);
  if ('problem' in parsed) throw new InvalidArgumentError(`${parsed.problem}.`);
  return parsed.value;
}

export const limitOption = (
  range: { min: number; max: number; default: number },
  what: string,
): OptionSpec => ({
  flags: '--limit <n>',
  description: `how many ${what} (${range.min}-${range.max})`,
  parse: intInRange(range.min, range.max),
  default: range.default,
});

export const cityArgument: ArgumentSpec = {
  name: '<city>',
  description: 'city name, e.g. NYC or "San Jose"',
  parse: cityName,
};

export const cityOption = (what: string): OptionSpec => ({
  flags: '--city <city>',
  description: what,
  parse: cityName,
});
