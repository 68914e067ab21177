import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { Context } from './context.js';
import { EVENT_TYPES } from '../events/event.js';
import type { ReadContext } from '../queries/index.js';
import { aggregationRangeProblem, cityProblem, LIMITS, parseInstant } from '../queries/parameters.js';
import { UserError } from '../errors.js';
import { type CommandModule, type CommandServices, withExamples } from './command.js';
import { intInRange, oneOf } from './option-parsers.js';
import {
  renderAggregations,
  renderAlerts,
  renderCities,
  renderEvents,
  renderStats,
  renderSummary,
} from './query-render.js';

/**
 * `citystream query …`: the read side from the terminal. Each subcommand prints the same document the
 * REST API returns (with --json) or a table. The SDK and the read module load only when one runs.
 */
type Reads = typeof import('../queries/index.js');

/** Runs one read with a client for the configured endpoint and prints its document, or `render`'s table. */
async function printRead<D>(
  ctx: Context,
  ask: (reads: Reads, read: ReadContext) => Promise<D>,
  render: (doc: D) => string,
): Promise<void> {
  const [{ withDynamoClient }, { tableNames }, reads] = await Promise.all([
    import('../clients/dynamodb.js'),
    import('../store/table-definitions.js'),
    import('../queries/index.js'),
  ]);
  const doc = await withDynamoClient(ctx.config, (client) =>
    ask(reads, { client, tables: tableNames(ctx.config.prefix), ttlDays: ctx.config.ttlDays }),
  );
  ctx.out.result(doc, () => render(doc));
}

function cityName(value: string): string {
  const problem = cityProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

function instant(value: string): string {
  const parsed = parseInstant(value);
  if ('problem' in parsed) throw new InvalidArgumentError(`${parsed.problem}.`);
  return parsed.value;
}

const limitOption = (range: { min: number; max: number; default: number }, what: string) =>
  new Option('--limit <n>', `how many ${what} (${range.min}-${range.max})`)
    .argParser(intInRange(range.min, range.max))
    .default(range.default);

const cityArgument = () => new Argument('<city>', 'city name, e.g. NYC or "San Jose"').argParser(cityName);
const cityOption = (what: string) => new Option('--city <city>', what).argParser(cityName);

function eventsCommand(services: CommandServices): Command {
  const cmd = new Command('events')
    .description('the newest events of a city, newest first')
    .addArgument(cityArgument())
    .addOption(limitOption(LIMITS.eventsLimit, 'events'))
    .action(async (city: string, opts: { limit: number }, self: Command) => {
      const ctx = await services.context(self);
      await printRead(
        ctx,
        (reads, read) => reads.recentEvents(read, city, opts.limit),
        (doc) => renderEvents(doc, `no events for ${city}`),
      );
    });
  return withExamples(cmd, [
    'citystream query events NYC',
    'citystream query events "San Jose" --limit 5',
    'citystream query events LA --json | jq ".items[].description"',
  ]);
}

function summaryCommand(services: CommandServices): Command {
  const cmd = new Command('summary')
    .description("a city's totals by type and severity, and its alerts of the last 24 hours")
    .addArgument(cityArgument())
    .action(async (city: string, _opts: unknown, self: Command) => {
      const ctx = await services.context(self);
      await printRead(ctx, (reads, read) => reads.citySummary(read, city), renderSummary);
    });
  return withExamples(cmd, ['citystream query summary NYC', 'citystream query summary Chicago --json']);
}

function alertsCommand(services: CommandServices): Command {
  const cmd = new Command('alerts')
    .description('alerts (high and critical events) of the last hours, newest first')
    .addOption(cityOption('only this city (default: every city)'))
    .addOption(
      new Option('--hours <n>', `how far back (${LIMITS.hours.min}-${LIMITS.hours.max})`)
        .argParser(intInRange(LIMITS.hours.min, LIMITS.hours.max))
        .default(LIMITS.hours.default),
    )
    .addOption(limitOption(LIMITS.alertsLimit, 'alerts at most'))
    .action(async (opts: { city?: string; hours: number; limit: number }, self: Command) => {
      const ctx = await services.context(self);
      const where = opts.city ? ` for ${opts.city}` : '';
      await printRead(
        ctx,
        (reads, read) => reads.recentAlerts(read, opts),
        (doc) => renderAlerts(doc, `no alerts${where} in the last ${opts.hours} hours`),
      );
    });
  return withExamples(cmd, [
    'citystream query alerts',
    'citystream query alerts --city Chicago --hours 2',
    'citystream query alerts --hours 168 --json | jq .count',
  ]);
}

function citiesCommand(services: CommandServices): Command {
  const cmd = new Command('cities')
    .description('every city with events, and its event count, biggest first')
    .action(async (_opts: unknown, self: Command) => {
      const ctx = await services.context(self);
      await printRead(ctx, (reads, read) => reads.cities(read), renderCities);
    });
  return withExamples(cmd, ['citystream query cities', 'citystream query cities --json | jq ".[0].city"']);
}

interface AggregationOptions {
  city?: string;
  type?: string;
  limit: number;
  from?: string;
  to?: string;
}

function aggregationsCommand(services: CommandServices): Command {
  const cmd = new Command('aggregations')
    .description('5-minute window aggregates by city and event type, newest window first')
    .addOption(cityOption('only this city'))
    .addOption(
      new Option('--type <type>', `only this event type (${EVENT_TYPES.join(', ')})`).argParser(
        oneOf(EVENT_TYPES),
      ),
    )
    .addOption(limitOption(LIMITS.aggregationsLimit, 'windows'))
    .addOption(
      new Option('--from <time>', 'windows starting at or after this ISO-8601 time').argParser(instant),
    )
    .addOption(
      new Option('--to <time>', 'windows starting at or before this ISO-8601 time').argParser(instant),
    )
    .action(async (opts: AggregationOptions, self: Command) => {
      const bad = aggregationRangeProblem(opts, new Date());
      if (bad)
        throw new UserError(`--${bad.parameter} ${bad.problem}`, {
          hint: 'see `citystream query aggregations --help`',
        });
      const ctx = await services.context(self);
      await printRead(ctx, (reads, read) => reads.aggregations(read, opts), renderAggregations);
    });
  return withExamples(cmd, [
    'citystream query aggregations',
    'citystream query aggregations --city NYC --type traffic --limit 5',
    'citystream query aggregations --city LA --from 2026-11-22T00:00:00Z --to 2026-11-22T12:00:00Z --json',
  ]);
}

function statsCommand(services: CommandServices): Command {
  const cmd = new Command('stats')
    .description('totals over every city: events, alerts, by city, type and severity, first and last event')
    .action(async (_opts: unknown, self: Command) => {
      const ctx = await services.context(self);
      await printRead(ctx, (reads, read) => reads.stats(read), renderStats);
    });
  return withExamples(cmd, ['citystream query stats', 'citystream query stats --json | jq .by_city']);
}

export const queryCommand: CommandModule = {
  name: 'query',
  register(program, services) {
    const cmd = new Command('query').description(
      'read the tables: events, summary, alerts, cities, aggregations, stats (Query only, never Scan)',
    );
    for (const sub of [
      eventsCommand,
      summaryCommand,
      alertsCommand,
      citiesCommand,
      aggregationsCommand,
      statsCommand,
    ])
      cmd.addCommand(sub(services));
    withExamples(cmd, [
      'citystream query events NYC --limit 5',
      'citystream query alerts --city Chicago --hours 2',
      'citystream query stats --json',
      'citystream query cities --prefix dev- --endpoint http://127.0.0.1:8000',
    ]);
    program.addCommand(cmd);
  },
};
