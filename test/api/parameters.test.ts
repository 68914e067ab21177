import { describe, expect, it } from 'vitest';
import { ApiError, toErrorReply } from '../../src/api/api-error.js';
import { buildOpenApi } from '../../src/api/openapi.js';
import { PARAMETERS, cityParameter, validateParameters } from '../../src/api/parameters.js';
import { ROUTES } from '../../src/api/routes.js';
import { ServiceError, UserError } from '../../src/errors.js';

function problem(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? { status: err.status, ...err.body } : err;
  }
  return 'no error';
}

describe('API parameters', () => {
  const specs = [cityParameter('path', 'city'), PARAMETERS.eventsLimit];

  it('parses values and fills defaults', () => {
    expect(validateParameters(specs, { city: 'San Jose' }, {})).toEqual({ city: 'San Jose', limit: 20 });
    expect(validateParameters(specs, { city: 'NYC' }, { limit: '1000' })).toEqual({
      city: 'NYC',
      limit: 1000,
    });
  });

  it('names the parameter of every refusal', () => {
    expect(problem(() => validateParameters(specs, { city: 'NYC' }, { limit: '0' }))).toMatchObject({
      status: 400,
      error: 'invalid_parameter',
      parameter: 'limit',
    });
    for (const limit of ['1001', '-1', '2.5', 'ten', '', '1e3'])
      expect(
        problem(() => validateParameters(specs, { city: 'NYC' }, { limit })),
        limit,
      ).toMatchObject({
        parameter: 'limit',
      });
    for (const city of ['NYC#1', '<b>', 'x'.repeat(65), '', 'a/b', 'ünï'])
      expect(
        problem(() => validateParameters(specs, { city }, {})),
        city,
      ).toMatchObject({ parameter: 'city' });
    expect(problem(() => validateParameters(specs, { city: 'NYC' }, { limt: '5' }))).toMatchObject({
      parameter: 'limt',
      message: 'limt: unknown parameter; allowed: limit',
    });
    expect(problem(() => validateParameters(specs, { city: 'NYC' }, { limit: ['1', '2'] }))).toMatchObject({
      parameter: 'limit',
      message: 'limit: given more than once',
    });
  });
});

describe('API error replies', () => {
  it('maps DynamoDB trouble to 503 and bugs to a plain 500', () => {
    expect(toErrorReply(new UserError('table t does not exist', { hint: 'create it' }))).toEqual({
      status: 503,
      body: {
        error: 'service_unavailable',
        message: 'DynamoDB is unavailable: table t does not exist — create it',
      },
      bug: false,
    });
    expect(toErrorReply(new ServiceError('down')).status).toBe(503);
    expect(toErrorReply(Object.assign(new Error('slow'), { name: 'ThrottlingException' })).status).toBe(503);
    const bug = toErrorReply(new TypeError('x is undefined'));
    expect(bug).toEqual({
      status: 500,
      body: { error: 'internal_error', message: 'internal error; the server log has the details' },
      bug: true,
    });
  });
});

describe('OpenAPI document', () => {
  const doc = buildOpenApi(ROUTES, '1.2.3') as {
    openapi: string;
    paths: Record<
      string,
      { get: { parameters: Array<{ name: string; in: string; schema: Record<string, unknown> }> } }
    >;
    components: { schemas: Record<string, unknown> };
  };

  it('describes every route with its parameters and response schema', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/aggregations',
        '/api/v1/alerts',
        '/api/v1/cities',
        '/api/v1/clickstream/funnel',
        '/api/v1/clickstream/pages',
        '/api/v1/clickstream/sessions',
        '/api/v1/events/{city}',
        '/api/v1/health',
        '/api/v1/openapi.json',
        '/api/v1/stats',
        '/api/v1/summary/{city}',
      ].sort(),
    );
    const events = doc.paths['/api/v1/events/{city}']!.get.parameters;
    expect(events.map((p) => [p.name, p.in])).toEqual([
      ['city', 'path'],
      ['limit', 'query'],
      ['next', 'query'],
    ]);
    expect(events[1]!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 20 });
    expect(events[2]!.schema).toEqual({ type: 'string', pattern: '^[A-Za-z0-9_-]{1,512}$' });
    const aggs = doc.paths['/api/v1/aggregations']!.get.parameters.map((p) => p.name);
    expect(aggs).toEqual(['city', 'event_type', 'limit', 'from', 'to', 'next']);
    const alerts = doc.paths['/api/v1/alerts']!.get.parameters;
    expect(alerts.map((p) => p.name)).toEqual(['city', 'hours', 'limit', 'next']);
    expect(alerts[2]!.schema).toMatchObject({ default: 100 });
    const refs = JSON.stringify(doc.paths).match(/#\/components\/schemas\/(\w+)/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.split('/').at(-1)!);
  });
});
