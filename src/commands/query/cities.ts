import { defineCommand } from '../define-command.js';
import { printRead } from './read.js';
import { renderCities } from './render.js';

export const citiesQueryCommand = defineCommand({
  name: 'cities',
  description: 'every city with events, and its event count, biggest first',
  examples: ['citystream query cities', 'citystream query cities --json | jq ".[0].city"'],
  handler: (ctx) => printRead(ctx, (reads, read) => reads.cities(read), renderCities),
});
