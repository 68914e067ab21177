import { defineCommand } from '../define-command.js';
import { cityArgument, printRead } from './read.js';
import { renderSummary } from './render.js';

export const summaryQueryCommand = defineCommand({
  name: 'summary',
  description: "a city's totals by type and severity, and its alerts of the last 24 hours",
  examples: ['citystream query summary NYC', 'citystream query summary Chicago --json'],
  arguments: [cityArgument],
  async handler(ctx, _flags, args) {
    const city = String(args[0]);
    await printRead(ctx, (reads, read) => reads.citySummary(read, city), renderSummary);
  },
});
