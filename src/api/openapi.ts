import { API_PREFIX, type RouteSpec } from './routes.js';
import { SCHEMAS, schemaRef } from './schemas.js';

/** Builds the OpenAPI 3 document from the route table, so it describes exactly what the server does. */
export function buildOpenApi(
  routes: readonly RouteSpec[],
  version: string,
  /** Paths that are not JSON routes (the event stream), already in OpenAPI form. */
  extraPaths: Record<string, unknown> = {},
): Record<string, unknown> {
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: schemaRef('Error') } },
  });
  const paths: Record<string, unknown> = {};
  for (const route of routes) {
    const path = API_PREFIX + route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] = {
      get: {
        operationId: route.operationId,
        summary: route.summary,
        parameters: route.parameters.map((p) => ({
          name: p.name,
          in: p.in,
          required: p.required,
          description: p.description,
          schema: p.schema,
        })),
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: schemaRef(route.response) } },
          },
          ...(route.parameters.length > 0
            ? { '400': errorResponse('a parameter is invalid (named in `parameter`)') }
            : {}),
          '503': errorResponse('DynamoDB is unreachable, throttling, or a table is missing'),
        },
      },
    };
  }
  Object.assign(paths, extraPaths);
  paths[`${API_PREFIX}/openapi.json`] = {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      responses: { '200': { description: 'the OpenAPI document', content: { 'application/json': {} } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'citystream API',
      version,
      description: 'Read-only access to the citystream tables. Every read is a DynamoDB Query or GetItem.',
    },
    paths,
    components: { schemas: SCHEMAS },
  };
}
