import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config/settings.js';
import type { ReadContext } from '../queries/index.js';
import type { Queryable } from '../queries/clickstream/click-queries.js';
import { tableNames } from '../store/table-definitions.js';
import type { LiveBus } from '../processor/live-bus.js';
import { ApiError, clientErrorResponse, toErrorReply } from './api-error.js';
import { defaultConsoleDir, registerConsole } from './console-assets.js';
import { LiveHub } from './live-hub.js';
import { liveRoutes, type HealthProbe } from './live-routes.js';
import { buildOpenApi } from './openapi.js';
import { assertQueryWellEncoded, validateParameters } from './parameters.js';
import { API_PREFIX, ROUTES } from './routes.js';
import { beforeDeadline, DEFAULT_REQUEST_TIMEOUT_MS } from './deadline.js';
import { ResponseCache } from './response-cache.js';
import { SCHEMAS } from './schemas.js';
import { registerStream, STREAM_PATH, streamOpenApi } from './stream-route.js';
import { pollTables } from './table-poller.js';
import { apiMetrics } from './api-metrics.js';

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
  /**
   * The processor's bus when it runs in this process (`up`): the live stream relays what it publishes.
   * Without one, the stream is fed by polling the alerts and aggregations tables.
   */
  live?: LiveBus;
  /** How often the table poller reads, when there is no bus (ms); default 2 000; 0 turns it off. */
  pollMs?: number;
  /** More health checks for `/services` (the broker of `up`). */
  probes?: HealthProbe[];
  /** When set, every /api/v1 request but health and openapi.json needs `Authorization: Bearer <token>`. */
  token?: string;
  /** The built console's directory (default: dist/console of the package); null serves none. */
  consoleDir?: string | null;
  /** Events kept for Last-Event-ID resumption (tests make it small). */
  streamBufferSize?: number;
  /** The clickstream's PostgreSQL: /clickstream/… answer 503 without it. */
  postgres?: Queryable;
}

export interface RunningApi {
  url: string;
  port: number;
  /** The live feed behind /api/v1/stream (tests push into it). */
  hub: LiveHub;
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
  const read = (): ReadContext & { signal: AbortSignal } => ({
    client: options.client,
    tables,
    ttlDays: options.config.ttlDays,
    now: clock(),
    signal: AbortSignal.timeout(timeoutMs),
    postgres: options.postgres,
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
  if (options.token !== undefined) app.addHook('onRequest', bearerCheck(options.token));
  if (options.log) {
    const log = options.log;
    app.addHook('onResponse', async (req, reply) => {
      log(`${req.method} ${req.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`);
    });
  }

  // Prometheus metrics of the API itself, on a registry of its own: one scrape config covers the stack.
  const metrics = apiMetrics();
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    metrics.duration.observe({ route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  const hub = new LiveHub({ bufferSize: options.streamBufferSize });
  const detach = options.live
    ? hub.attach(options.live, 'processor')
    : options.pollMs === 0
      ? () => {}
      : pollTables(hub, read, options.pollMs ?? 2_000);
  app.addHook('onClose', async () => detach());
  const routes = [...ROUTES, ...liveRoutes(hub, options.probes ?? [], clock)];
  for (const route of routes) {
    const shared = metrics.sharedReads.labels({ route: API_PREFIX + route.path });
    const cache = route.unshared
      ? undefined
      : new ResponseCache(
          route.cacheMs ?? 0,
          () => clock().getTime(),
          1000,
          () => shared.inc(),
        );
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
        const answer = () => {
          const ctx = read();
          return beforeDeadline(route.handler(ctx, values), ctx.signal);
        };
        if (!cache) return answer();
        return cache.get(`${route.path} ${JSON.stringify(values)}`, answer);
      },
    );
  }
  registerStream(app, hub);
  const openapi = buildOpenApi(routes, options.version ?? '0.1.0', { [STREAM_PATH]: streamOpenApi() });
  app.get(`${API_PREFIX}/openapi.json`, async () => openapi);
  if (options.consoleDir !== null) await registerConsole(app, options.consoleDir ?? defaultConsoleDir());

  await app.listen({ host: options.host, port: options.port });
  const { port, address, family } = app.server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    hub,
    close: () => app.close(),
  };
}

/** What a guarded API answers without its token: health, for load balancers and deploy checks. */
const OPEN_PATHS = new Set([`${API_PREFIX}/health`]);

/**
 * The API token check. EventSource cannot send headers, so the stream alone also takes
 * `?access_token=`; everything else needs the header, so a token never lands in other URLs or logs.
 */
function bearerCheck(token: string) {
  const expected = Buffer.from(token);
  const matches = (given: string | undefined) =>
    given !== undefined &&
    Buffer.byteLength(given) === expected.length &&
    timingSafeEqual(Buffer.from(given), expected);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const [path = '', query = ''] = req.url.split('?', 2);
    if (!path.startsWith(API_PREFIX) || OPEN_PATHS.has(path)) return;
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const fromQuery =
      path === STREAM_PATH ? (new URLSearchParams(query).get('access_token') ?? undefined) : undefined;
    if (matches(bearer) || matches(fromQuery)) return;
    reply.header('www-authenticate', 'Bearer realm="citystream"');
    throw new ApiError(401, {
      error: 'unauthorized',
      message: 'this API needs a token: send Authorization: Bearer <token>',
    });
  };
}
