import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fastify, { type FastifyReply } from 'fastify';
import type { Config } from '../config/settings.js';
import type { ReadContext } from '../queries/index.js';
import { tableNames } from '../store/table-definitions.js';
import { ApiError, clientErrorResponse, toErrorReply } from './api-error.js';
import { buildOpenApi } from './openapi.js';
import { assertQueryWellEncoded, validateParameters } from './parameters.js';
import { API_PREFIX, ROUTES } from './routes.js';
import { ResponseCache } from './response-cache.js';
import { SCHEMAS } from './schemas.js';

export interface StartApiOptions {
  client: DynamoDBClient;
  config: Pick<Config, 'prefix' | 'ttlDays'>;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** One line per request (method, URL, status, time); the CLI passes it only with --debug. */
  log?: (line: string) => void;
  /** Called with errors that have no wire form (bugs); the client gets a plain 500. */
  reportBug?: (err: unknown) => void;
  /** The clock, for tests that pin "now". */
  clock?: () => Date;
  /** Version shown in the OpenAPI document. */
  version?: string;
  /** A request whose DynamoDB reads take longer is answered 503 (a hung endpoint must not hang clients). */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface RunningApi {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, closes idle connections. */
  close(): Promise<void>;
}

/**
 * The REST API: the routes of ROUTES under /api/v1, each a GET that validates its parameters (declared
 * as data) and calls the read side. Every error leaves through {@link sendError}.
 */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const tables = tableNames(options.config.prefix);
  const clock = options.clock ?? (() => new Date());
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const read = (): ReadContext => ({
    client: options.client,
    tables,
    ttlDays: options.config.ttlDays,
    now: clock(),
    signal: AbortSignal.timeout(timeoutMs),
  });

  const sendError = (reply: FastifyReply, err: unknown): FastifyReply => {
    const { status, body, bug } = toErrorReply(err);
    if (bug) options.reportBug?.(err);
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  };

  const app = fastify({
    logger: false,
    routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true },
    frameworkErrors: (err, _req, reply) => void sendError(reply, err),
    clientErrorHandler: (err, socket) => {
      const response = clientErrorResponse(err as { code?: string });
      if (response !== undefined && socket.writable) socket.write(response);
      socket.destroy();
    },
  });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((req, reply) => {
    const message = `no such endpoint: ${req.method} ${req.url.split('?')[0]}; see ${API_PREFIX}/openapi.json`;
    return sendError(reply, new ApiError(404, { error: 'not_found', message }));
  });
  if (options.log) {
    const log = options.log;
    app.addHook('onResponse', async (req, reply) => {
      log(`${req.method} ${req.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`);
    });
  }

  for (const route of ROUTES) {
    const cache = route.cacheMs ? new ResponseCache(route.cacheMs, () => clock().getTime()) : undefined;
    app.get(
      API_PREFIX + route.path,
      { schema: { response: { 200: SCHEMAS[route.response] } } },
      async (req) => {
        assertQueryWellEncoded(req.url);
        const values = validateParameters(
          route.parameters,
          req.params as Record<string, unknown>,
          req.query as Record<string, unknown>,
        );
        if (!cache) return route.handler(read(), values);
        return cache.get(`${route.path} ${JSON.stringify(values)}`, () => route.handler(read(), values));
      },
    );
  }
  const openapi = buildOpenApi(ROUTES, options.version ?? '0.1.0');
  app.get(`${API_PREFIX}/openapi.json`, async () => openapi);

  await app.listen({ host: options.host, port: options.port });
  const { port, address, family } = app.server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => app.close(),
  };
}
