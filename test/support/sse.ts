import { request, type IncomingMessage } from 'node:http';
import { waitFor } from './wait-for.js';

/** One Server-Sent Event as the wire carried it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A plain HTTP client for an SSE endpoint (no EventSource): it parses frames as they arrive and lets a
 * test await "the next n events". The parser follows the HTML spec's rules for `id:`, `event:`, `data:`
 * and comments, which is what `curl -N` users see.
 */
export interface SseClient {
  status: number;
  headers: IncomingMessage['headers'];
  events: SseEvent[];
  comments: string[];
  /** Resolves with the events once at least `n` have arrived (all of them, in arrival order). */
  waitForCount(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves when the server ended the response. */
  ended: Promise<void>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed = parseFrame(frame, comments);
          if (parsed) events.push(parsed);
        }
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        waitForCount: (n, timeoutMs = 10_000) =>
          waitFor(
            `${n} server-sent events (have ${events.length})`,
            () => events.length >= n && events,
            timeoutMs,
          ),
        ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function parseFrame(frame: string, comments: string[]): SseEvent | undefined {
  const event: SseEvent = { event: 'message', data: '' };
  const data: string[] = [];
  let any = false;
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
    else continue;
    any = true;
  }
  if (!any || data.length === 0) return undefined;
  event.data = data.join('\n');
  return event;
}
