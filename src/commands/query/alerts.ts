import { LIMITS } from '../../queries/parameters.js';
import { defineCommand } from '../define-command.js';
import { intInRange } from '../option-parsers.js';
import { cityOption, limitOption, printRead } from './read.js';
import { renderAlerts } from './render.js';

export const alertsQueryCommand = defineCommand<{ city?: string; hours: number; limit: number }>({
  name: 'alerts',
  description: 'alerts (high and critical events) of the last hours, newest first',
  examples: [
    'citystream query alerts',
    'citystream query alerts --city Chicago --hours 2',
    'citystream query alerts --hours 168 --json | jq .count',
  ],
  options: [
    cityOption('only this city (default: every city)'),
    {
      flags: '--hours <n>',
      description: `how far back (${LIMITS.hours.min}-${LIMITS.hours.max})`,
      parse: intInRange(LIMITS.hours.min, LIMITS.hours.max),
      default: LIMITS.hours.default,
    },
    limitOption(LIMITS.alertsLimit, 'alerts at most'),
  ],
  async handler(ctx, flags) {
    const where = flags.city ? ` for ${flags.city}` : '';
    await printRead(
      ctx,
      (reads, read) => reads.recentAlerts(read, flags),
      (doc) => renderAlerts(doc, `no alerts${where} in the last ${flags.hours} hours`),
    );
  },
});
