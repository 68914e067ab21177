import { EVENT_TYPES } from '../events/event.js';

/**
 * The rules for read parameters, as data, shared by the CLI's option parsers and the API's validation so
 * both accept and refuse exactly the same input.
 */
export const LIMITS = {
  eventsLimit: { min: 1, max: 1000, default: 20 },
  aggregationsLimit: { min: 1, max: 1000, default: 10 },
  alertsLimit: { min: 1, max: 1000, default: 100 },
  hours: { min: 1, max: 720, default: 24 },
} as const;

/** Letters, digits, space, dot, underscore and hyphen; no `#`, which separates key parts in the tables. */
export const NAME_PATTERN = /^[A-Za-z0-9 ._-]{1,64}$/;
export const NAME_RULE = '1 to 64 letters, digits, spaces, dots, underscores or hyphens';

/** Returns why a city name is refused, or undefined when it is fine. */
export function cityProblem(value: string): string | undefined {
  if (!NAME_PATTERN.test(value)) return `expected ${NAME_RULE}, got "${clip(value)}"`;
  return undefined;
}

export function eventTypeProblem(value: string): string | undefined {
  if (!(EVENT_TYPES as readonly string[]).includes(value))
    return `expected one of ${EVENT_TYPES.join(', ')}, got "${clip(value)}"`;
  return undefined;
}

/** Parses an ISO-8601 instant into the tables' canonical form, or returns why it cannot. */
export function parseInstant(value: string): { value: string } | { problem: string } {
  // Require at least a real calendar date, so "5", "yesterday" or Feb 31 (which Date.parse rolls over to
  // March) are not quietly read as some other instant.
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  const ms =
    date && isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3])) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    return { problem: `expected an ISO-8601 time such as 2026-11-22T18:00:00Z, got "${clip(value)}"` };
  return { value: new Date(ms).toISOString() };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** A user's value, cut short enough to quote in a one-line error (hostile input cannot flood it). */
export function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** The longest `from`..`to` span an all-cities aggregations query may walk, one Query per day. */
export const MAX_DAY_SPAN = 366;

/**
 * Why an aggregations range is refused, or undefined: `from` after `to`, or (without a city, where each
 * day costs a Query) a span of more than MAX_DAY_SPAN days. Both are canonical ISO strings when given.
 */
export function aggregationRangeProblem(
  range: { city?: string; from?: string; to?: string },
  now: Date,
): { parameter: 'from' | 'to'; problem: string } | undefined {
  if (range.from !== undefined && range.to !== undefined && range.from > range.to)
    return { parameter: 'from', problem: `must not be after to (${range.to})` };
  if (range.city !== undefined || range.from === undefined) return undefined;
  const to = range.to !== undefined ? Date.parse(range.to) : now.getTime() + 86_400_000;
  const spanDays = (to - Date.parse(range.from)) / 86_400_000;
  if (spanDays > MAX_DAY_SPAN)
    return {
      parameter: 'from',
      problem: `spans ${Math.ceil(spanDays)} days without a city; at most ${MAX_DAY_SPAN} (or give a city)`,
    };
  return undefined;
}
