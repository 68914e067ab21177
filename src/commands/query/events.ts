import { LIMITS } from '../../queries/parameters.js';
import { defineCommand } from '../define-command.js';
import { cityArgument, limitOption, printRead } from './read.js';
import { renderEvents } from './render.js';

export const eventsQueryCommand = defineCommand<{ limit: number }>({
  name: 'events',
  description: 'the newest events of a city, newest first',
  examples: [
    'citystream query events NYC',
    'citystream query events "San Jose" --limit 5',
    'citystream query events LA --json | jq ".items[].description"',
  ],
  arguments: [cityArgument],
  options: [limitOption(LIMITS.eventsLimit, 'events')],
  async handler(ctx, flags, args) {
    const city = String(args[0]);
    await printRead(
      ctx,
      (reads, read) => reads.recentEvents(read, city, flags.limit),
      (doc) => renderEvents(doc, `no events for ${city}`),
    );
  },
});
