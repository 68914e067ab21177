import { LIMITS } from '../../queries/parameters.js';
import { defineCommand } from '../define-command.js';
import { parseEventCursor, type EventCursor } from '../../queries/cursor.js';
import { cityArgument, limitOption, pagingOptions, printPages, type PagingFlags } from './read.js';
import { renderEvents } from './render.js';

export const eventsQueryCommand = defineCommand<{ limit: number } & PagingFlags<EventCursor>>({
  name: 'events',
  description: 'the newest events of a city, newest first',
  examples: [
    'citystream query events NYC',
    'citystream query events "San Jose" --limit 5',
    'citystream query events LA --json | jq ".items[].description"',
    'citystream query events NYC --all --json | jq .count',
  ],
  arguments: [cityArgument],
  options: [limitOption(LIMITS.eventsLimit, 'events per page'), ...pagingOptions(parseEventCursor)],
  async handler(ctx, flags, args) {
    const city = String(args[0]);
    await printPages(
      ctx,
      flags,
      (reads, read, after) => reads.recentEvents(read, city, flags.limit, after),
      parseEventCursor,
      (doc) => renderEvents(doc, `no events for ${city}`),
    );
  },
});
