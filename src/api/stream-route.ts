import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LiveHub, StreamMessage } from './live-hub.js';
import { validateParameters, type ParameterSpec } from './parameters.js';
import { API_PREFIX } from './routes.js';

/**
 * `GET /api/v1/stream`: Server-Sent Events from the {@link LiveHub}. Every event carries an `id:`; a
 * client that reconnects with `Last-Event-ID` (EventSource does it by itself; `curl` can pass the header
 * or `?last_event_id=`) first gets what it missed, in order, then the live events. When what it missed
 * has left the buffer, it gets one `reset` event instead and reloads its views from the REST API.
 */

export const STREAM_PATH = `${API_PREFIX}/stream`;
const EVENT_TYPES = ['alert', 'window', 'dead_letter', 'rates'] as const;
/** A client that lets this much pile up unread is cut off (it reconnects and resumes from its id). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export const STREAM_PARAMETERS: ParameterSpec[] = [
  {
    name: 'last_event_id',
    in: 'query',
    required: false,
    description: 'resume after this event id (the `Last-Event-ID` header does the same and wins)',
    schema: { type: 'integer', minimum: 0 },
    parse: (raw) => (/^\d{1,16}$/.test(raw) ? { value: Number(raw) } : { problem: 'expected an event id' }),
  },
  {
    name: 'types',
    in: 'query',
    required: false,
    description: `only these event types, comma-separated (${EVENT_TYPES.join(', ')}); default all`,
    schema: { type: 'string' },
    parse(raw) {
      const types = raw.split(',').filter((t) => t !== '');
      const unknown = types.find((t) => !(EVENT_TYPES as readonly string[]).includes(t));
      return unknown === undefined && types.length > 0
        ? { value: new Set(types) }
        : { problem: `expected some of ${EVENT_TYPES.join(', ')}` };
    },
  },
  {
    name: 'access_token',
    in: 'query',
    required: false,
    description:
      'the API token, for clients that cannot set `Authorization` (EventSource); accepted on this endpoint only',
    schema: { type: 'string' },
    parse: (raw) => ({ value: raw }),
  },
];

export function streamOpenApi(): Record<string, unknown> {
  return {
    get: {
      operationId: 'stream',
      summary:
        'Live alerts, window changes, dead letters and rates as Server-Sent Events (`curl -N`); resumable with Last-Event-ID',
      parameters: STREAM_PARAMETERS.map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required,
        description: p.description,
        schema: p.schema,
      })),
      responses: {
        '200': {
          description:
            'an endless `text/event-stream`; events `alert` (Event), `window` (WindowChange), `dead_letter` ' +
            '(DeadLetter), `rates` (Rates), `reset` (missed events left the buffer: reload), and one `hello` first',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        '400': {
          description: 'a parameter is invalid',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}

export function registerStream(app: FastifyInstance, hub: LiveHub): void {
  const open = new Set<ServerResponse>();
  // SSE responses never go idle: end them before the server waits for its connections to close.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  app.get(STREAM_PATH, async (req, reply) => {
    const values = validateParameters(STREAM_PARAMETERS, {}, req.query as Record<string, unknown>);
    const types = values.types as Set<string> | undefined;
    const lastId = lastEventId(req) ?? (values.last_event_id as number | undefined);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    open.add(res);
    const send = (message: StreamMessage) => {
      if (types && !types.has(message.type)) return;
      res.write(`id: ${message.id}\nevent: ${message.type}\ndata: ${JSON.stringify(message.data)}\n\n`);
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    };
    res.write(
      `retry: 2000\nevent: hello\ndata: ${JSON.stringify({ latest_id: hub.latestId, source: hub.source })}\n\n`,
    );
    // Subscribe before replaying: nothing published in between is lost, and `seen` drops the overlap.
    let seen = lastId ?? hub.latestId;
    const unsubscribe = hub.subscribe((message) => {
      if (message.id <= seen) return;
      seen = message.id;
      send(message);
    });
    if (lastId !== undefined) {
      const missed = hub.since(lastId);
      if (!missed.complete) {
        const reason = 'events after the given id have left the buffer, or came from an earlier run';
        res.write(`id: ${hub.latestId}\nevent: reset\ndata: ${JSON.stringify({ reason })}\n\n`);
        seen = Math.max(seen, hub.latestId);
      } else {
        for (const message of missed.messages) {
          if (message.id <= seen) continue;
          seen = message.id;
          send(message);
        }
      }
    }
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    });
  });
}

function lastEventId(req: FastifyRequest): number | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header !== 'string' || !/^\d{1,16}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
