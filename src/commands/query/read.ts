import { InvalidArgumentError } from 'commander';
import type { ListDocument, ReadContext } from '../../queries/index.js';
import { cityProblem, parseInstant } from '../../queries/parameters.js';
import type { Context } from '../context.js';
import type { ArgumentSpec, OptionSpec } from '../define-command.js';
import { wholeNumberOption } from '../option-parsers.js';

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

/** `--next <token>` and `--all`, the CLI side of the lists' paging. */
export interface PagingFlags<C> {
  next?: C;
  all?: boolean;
}

export const pagingOptions = (
  parse: (token: string) => { value: unknown } | { problem: string },
): OptionSpec[] => [
  {
    flags: '--next <token>',
    description: 'the page after the one that printed this token (`next` in --json)',
    parse(token) {
      const parsed = parse(token);
      if ('problem' in parsed) throw new InvalidArgumentError(`${parsed.problem}.`);
      return parsed.value;
    },
  },
  { flags: '--all', description: 'every page, as one list (mind large ranges)' },
];

/**
 * Prints one page of a list (and, on stderr, how to get the next), or with --all every page from
 * `flags.next` on as one list document without `next`.
 */
export async function printPages<C, T>(
  ctx: Context,
  flags: PagingFlags<C>,
  ask: (reads: Reads, read: ReadContext, after: C | undefined) => Promise<ListDocument<T>>,
  parseNext: (token: string) => { value: C } | { problem: string },
  render: (doc: ListDocument<T>) => string,
): Promise<void> {
  await printRead(
    ctx,
    async (reads, read) => {
      let doc = await ask(reads, read, flags.next);
      if (!flags.all) return doc;
      const items = [...doc.items];
      while (doc.next !== undefined) {
        const parsed = parseNext(doc.next);
        if ('problem' in parsed) throw new Error(`the read side made a token it cannot read: ${doc.next}`);
        doc = await ask(reads, read, parsed.value);
        items.push(...doc.items);
      }
      return { count: items.length, items };
    },
    (doc) => {
      if (doc.next !== undefined) ctx.out.info(`more: add --next ${doc.next} (or --all for every page)`);
      return render(doc);
    },
  );
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

export const limitOption = (range: { min: number; max: number; default: number }, what: string): OptionSpec =>
  wholeNumberOption('--limit <n>', `how many ${what}`, range);

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
