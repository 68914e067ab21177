import { EVENT_TYPES } from '../../events/event.js';
import { aggregationRangeProblem, LIMITS } from '../../queries/parameters.js';
import { UserError } from '../../errors.js';
import { defineCommand } from '../define-command.js';
import { oneOf } from '../option-parsers.js';
import { parseAggregationCursor, type AggregationCursor } from '../../queries/cursor.js';
import { cityOption, instant, limitOption, pagingOptions, printPages, type PagingFlags } from './read.js';
import { renderAggregations } from './render.js';

interface AggregationFlags extends PagingFlags<AggregationCursor> {
  city?: string;
  type?: string;
  limit: number;
  from?: string;
  to?: string;
}

export const aggregationsQueryCommand = defineCommand<AggregationFlags>({
  name: 'aggregations',
  description: '5-minute window aggregates by city and event type, newest window first',
  examples: [
    'citystream query aggregations',
    'citystream query aggregations --city NYC --type traffic --limit 5',
    'citystream query aggregations --city LA --from 2026-11-22T00:00:00Z --to 2026-11-22T12:00:00Z --json',
  ],
  options: [
    cityOption('only this city'),
    {
      flags: '--type <type>',
      description: `only this event type (${EVENT_TYPES.join(', ')})`,
      parse: oneOf(EVENT_TYPES),
    },
    limitOption(LIMITS.aggregationsLimit, 'windows per page'),
    {
      flags: '--from <time>',
      description: 'windows starting at or after this ISO-8601 time',
      parse: instant,
    },
    { flags: '--to <time>', description: 'windows starting at or before this ISO-8601 time', parse: instant },
    ...pagingOptions(parseAggregationCursor),
  ],
  async handler(ctx, flags) {
    const bad = aggregationRangeProblem(flags, new Date());
    if (bad)
      throw new UserError(`--${bad.parameter} ${bad.problem}`, {
        hint: 'see `citystream query aggregations --help`',
      });
    const { next: _next, all: _all, ...query } = flags;
    await printPages(
      ctx,
      flags,
      (reads, read, after) => reads.aggregations(read, query, after),
      parseAggregationCursor,
      renderAggregations,
    );
  },
});
