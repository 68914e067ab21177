import { CLICK_LIMITS } from '../queries/clickstream/click-documents.js';
import { funnel, pages, sessions, USER_PATTERN } from '../queries/clickstream/click-queries.js';
import type { ReadContext } from '../queries/index.js';
import { clip } from '../queries/parameters.js';
import { ApiError } from './api-error.js';
import { instantParameter, integerParameter, type ParameterSpec } from './parameters.js';
import type { RouteSpec } from './routes.js';

/** The clickstream's endpoints under /api/v1/clickstream: the documents of `query clickstream …`. */
function postgresOf(read: ReadContext) {
  if (!read.postgres)
    throw new ApiError(503, {
      error: 'service_unavailable',
      message: 'the clickstream is not served here: start the API with --workload clickstream or --pg-url',
    });
  return { postgres: read.postgres, now: read.now };
}

const userParameter: ParameterSpec = {
  name: 'user',
  in: 'query',
  required: false,
  description: 'only this user',
  schema: { type: 'string', pattern: USER_PATTERN.source },
  parse: (raw) =>
    USER_PATTERN.test(raw)
      ? { value: raw }
      : { problem: `expected a user id such as u-00042, got "${clip(raw)}"` },
};

const toParameter = instantParameter('to', 'end of the range (default now)');

export const CLICKSTREAM_ROUTES: RouteSpec[] = [
  {
    path: '/clickstream/funnel',
    operationId: 'clickstreamFunnel',
    summary: 'Hourly funnel: events and sessions per stage, and conversion, of the last hours',
    parameters: [integerParameter('hours', CLICK_LIMITS.hours, 'how many hours back'), toParameter],
    response: 'Funnel',
    handler: (read, v) =>
      funnel(postgresOf(read), { hours: v.hours as number, to: v.to as string | undefined }),
  },
  {
    path: '/clickstream/pages',
    operationId: 'clickstreamPages',
    summary:
      'Events and revenue by page, event type and device over the 1-minute windows of the last minutes',
    parameters: [integerParameter('minutes', CLICK_LIMITS.minutes, 'how many minutes back'), toParameter],
    response: 'Pages',
    handler: (read, v) =>
      pages(postgresOf(read), { minutes: v.minutes as number, to: v.to as string | undefined }),
  },
  {
    path: '/clickstream/sessions',
    operationId: 'clickstreamSessions',
    summary: 'Closed sessions (30 minutes without events), newest first',
    parameters: [userParameter, integerParameter('limit', CLICK_LIMITS.sessionsLimit, 'at most this many')],
    response: 'SessionList',
    handler: (read, v) =>
      sessions(postgresOf(read), { user: v.user as string | undefined, limit: v.limit as number }),
  },
];
