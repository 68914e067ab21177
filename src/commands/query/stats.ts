import { defineCommand } from '../define-command.js';
import { printRead } from './read.js';
import { renderStats } from './render.js';

export const statsQueryCommand = defineCommand({
  name: 'stats',
  description: 'totals over every city: events, alerts, by city, type and severity, first and last event',
  examples: ['citystream query stats', 'citystream query stats --json | jq .by_city'],
  handler: (ctx) => printRead(ctx, (reads, read) => reads.stats(read), renderStats),
});
