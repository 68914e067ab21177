import { parseAggregationCursor, parseAlertCursor, parseEventCursor } from '../queries/cursor.js';
import { EVENT_TYPES } from '../events/event.js';
import {
  cityProblem,
  clip,
  eventTypeProblem,
  LIMITS,
  NAME_PATTERN,
  parseInstant,
} from '../queries/parameters.js';
import { badRequest, invalidParameter } from './api-error.js';

/**
 * A request parameter declared as data: validation and the OpenAPI description both come from here, so
 * the document cannot drift from what the server accepts.
 */
export interface ParameterSpec {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  /** JSON Schema of the parameter, as OpenAPI shows it. */
  schema: Record<string, unknown>;
  /** Turns the raw text into a value, or says what is wrong with it. */
  parse(raw: string): { value: unknown } | { problem: string };
}

export function integerParameter(
  name: string,
  range: { min: number; max: number; default: number },
  description: string,
): ParameterSpec {
  return {
    name,
    in: 'query',
    required: false,
    description,
    schema: { type: 'integer', minimum: range.min, maximum: range.max, default: range.default },
    parse(raw) {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < range.min || n > range.max)
        return { problem: `expected a whole number from ${range.min} to ${range.max}, got "${clip(raw)}"` };
      return { value: n };
    },
  };
}

export function cityParameter(where: 'path' | 'query', description: string): ParameterSpec {
  return {
    name: 'city',
    in: where,
    required: where === 'path',
    description,
    schema: { type: 'string', pattern: NAME_PATTERN.source, minLength: 1, maxLength: 64 },
    parse: (raw) => problemOr(cityProblem(raw), raw),
  };
}

export function eventTypeParameter(name: string): ParameterSpec {
  return {
    name,
    in: 'query',
    required: false,
    description: 'only windows of this event type',
    schema: { type: 'string', enum: [...EVENT_TYPES] },
    parse: (raw) => problemOr(eventTypeProblem(raw), raw),
  };
}

export function instantParameter(name: string, description: string): ParameterSpec {
  return {
    name,
    in: 'query',
    required: false,
    description,
    schema: { type: 'string', format: 'date-time' },
    parse(raw) {
      const parsed = parseInstant(raw);
      return 'problem' in parsed ? parsed : { value: parsed.value };
    },
  };
}

/** `next`: the paging token of the previous page, checked by the list's own cursor parser. */
export function cursorParameter(
  parse: (raw: string) => { value: unknown } | { problem: string },
): ParameterSpec {
  return {
    name: 'next',
    in: 'query',
    required: false,
    description: 'the `next` token of the previous page (opaque); absent for the first page',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,512}$' },
    parse,
  };
}

export const PARAMETERS = {
  eventsLimit: integerParameter('limit', LIMITS.eventsLimit, 'how many events, newest first'),
  aggregationsLimit: integerParameter('limit', LIMITS.aggregationsLimit, 'how many windows, newest first'),
  alertsLimit: integerParameter('limit', LIMITS.alertsLimit, 'how many alerts per page, newest first'),
  eventsNext: cursorParameter(parseEventCursor),
  alertsNext: cursorParameter(parseAlertCursor),
  aggregationsNext: cursorParameter(parseAggregationCursor),
  hours: integerParameter('hours', LIMITS.hours, 'alerts of the last this many hours'),
} as const;

/**
 * Checks a request's path and query values against its declared parameters and returns the parsed
 * values (defaults filled in). Unknown query parameters are refused, so a typo (`?limt=5`) is not
 * silently ignored. Throws the first problem as a 400.
 */
export function validateParameters(
  specs: readonly ParameterSpec[],
  path: Record<string, unknown>,
  query: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const allowed = new Set(specs.filter((s) => s.in === 'query').map((s) => s.name));
  for (const name of Object.keys(query)) {
    if (!allowed.has(name)) {
      const choices =
        allowed.size > 0 ? `; allowed: ${[...allowed].join(', ')}` : '; this endpoint takes none';
      throw invalidParameter(clip(name), `unknown parameter${choices}`);
    }
  }
  for (const spec of specs) {
    const raw = (spec.in === 'path' ? path : query)[spec.name];
    if (raw === undefined) {
      if (spec.required) throw invalidParameter(spec.name, 'is required');
      if (spec.schema.default !== undefined) values[spec.name] = spec.schema.default;
      continue;
    }
    if (typeof raw !== 'string') throw invalidParameter(spec.name, 'given more than once');
    const parsed = spec.parse(raw);
    if ('problem' in parsed) throw invalidParameter(spec.name, parsed.problem);
    values[spec.name] = parsed.value;
  }
  return values;
}

/**
 * Refuses a query string whose percent-encoding is malformed (`?limit=%ZZ`, a lone `%`, bytes that are
 * not UTF-8) as `bad_request`, the way a malformed path is refused, instead of letting the lenient
 * parser pass the raw text on as a value.
 */
export function assertQueryWellEncoded(url: string): void {
  const at = url.indexOf('?');
  if (at < 0) return;
  for (const part of url.slice(at + 1).split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw badRequest(`the query string is not valid percent-encoding near "${clip(part)}"`);
    }
  }
}

function problemOr(problem: string | undefined, raw: string): { value: unknown } | { problem: string } {
  return problem === undefined ? { value: raw } : { problem };
}
