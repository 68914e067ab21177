import { LIMITS } from '../../queries/parameters.js';
import { defineCommand } from '../define-command.js';
import { wholeNumberOption } from '../option-parsers.js';
import { parseAlertCursor, type AlertCursor } from '../../queries/cursor.js';
import { cityOption, limitOption, pagingOptions, printPages, type PagingFlags } from './read.js';
import { renderAlerts } from './render.js';

type AlertFlags = { city?: string; hours: number; limit: number } & PagingFlags<AlertCursor>;

export const alertsQueryCommand = defineCommand<AlertFlags>({
  name: 'alerts',
  description: 'alerts (high and critical events) of the last hours, newest first',
  examples: [
    'citystream query alerts',
    'citystream query alerts --city Chicago --hours 2',
    'citystream query alerts --hours 168 --all --json | jq .count',
  ],
  options: [
    cityOption('only this city (default: every city)'),
    wholeNumberOption('--hours <n>', 'how far back', LIMITS.hours),
    limitOption(LIMITS.alertsLimit, 'alerts per page'),
    ...pagingOptions(parseAlertCursor),
  ],
  async handler(ctx, flags) {
    const where = flags.city ? ` for ${flags.city}` : '';
    await printPages(
      ctx,
      flags,
      (reads, read, after) => reads.recentAlerts(read, { ...flags, after }),
      parseAlertCursor,
      (doc) => renderAlerts(doc, `no alerts${where} in the last ${flags.hours} hours`),
    );
  },
});
