import { defineGroup } from '../define-command.js';
import { aggregationsQueryCommand } from './aggregations.js';
import { alertsQueryCommand } from './alerts.js';
import { citiesQueryCommand } from './cities.js';
import { clickstreamQueryGroup } from './clickstream.js';
import { eventsQueryCommand } from './events.js';
import { statsQueryCommand } from './stats.js';
import { summaryQueryCommand } from './summary.js';

export const queryGroup = defineGroup({
  name: 'query',
  description:
    'read the tables: events, summary, alerts, cities, aggregations, stats (Query only, never Scan)',
  examples: [
    'citystream query events NYC --limit 5',
    'citystream query alerts --city Chicago --hours 2',
    'citystream query stats --json',
    'citystream query cities --prefix dev- --endpoint http://127.0.0.1:8000',
  ],
  commands: [
    eventsQueryCommand,
    summaryQueryCommand,
    alertsQueryCommand,
    citiesQueryCommand,
    aggregationsQueryCommand,
    statsQueryCommand,
    clickstreamQueryGroup,
  ],
});
