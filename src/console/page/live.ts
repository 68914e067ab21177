import { token } from './api.js';

/**
 * The page's live feed: an EventSource on /api/v1/stream. While it is connected the views update from
 * its events; when it drops, the page says so, polls the current view every few seconds, and keeps
 * reconnecting; back on the stream, it resumes after the last event it saw (Last-Event-ID), or reloads
 * the view when the server answers `reset` (what it missed left the server's buffer).
 */

export type LiveType = 'alert' | 'window' | 'dead_letter' | 'rates';
export type LiveState = 'connecting' | 'live' | 'polling';

export interface LiveHandlers {
  event(type: LiveType, data: unknown): void;
  /** The stream cannot fill a gap: reload what is shown. */
  reset(): void;
  /** Called every POLL_MS while the stream is down. */
  poll(): void;
  state(state: LiveState, detail: string): void;
}

export const POLL_MS = 5_000;
const RECONNECT_MS = 3_000;
const TYPES: LiveType[] = ['alert', 'window', 'dead_letter', 'rates'];

export function connectLive(handlers: LiveHandlers): { close(): void } {
  let source: EventSource | undefined;
  let lastId: string | undefined;
  let pollTimer: number | undefined;
  let retryTimer: number | undefined;
  let closed = false;

  const startPolling = (why: string) => {
    handlers.state('polling', `Live stream dropped (${why}); polling every ${POLL_MS / 1000} s`);
    if (pollTimer !== undefined) return;
    pollTimer = window.setInterval(() => handlers.poll(), POLL_MS);
  };
  const stopPolling = () => {
    if (pollTimer !== undefined) window.clearInterval(pollTimer);
    pollTimer = undefined;
  };

  const open = () => {
    if (closed) return;
    const params = new URLSearchParams();
    const t = token();
    if (t) params.set('access_token', t);
    // A new EventSource starts without Last-Event-ID: carry it in the query.
    if (lastId) params.set('last_event_id', lastId);
    const query = params.toString();
    source = new EventSource(`/api/v1/stream${query ? `?${query}` : ''}`);
    source.addEventListener('open', () => {
      const resumed = pollTimer !== undefined;
      stopPolling();
      handlers.state('live', 'Live: updates arrive as the processor writes them');
      // Whatever was missed while polling came with the resumption; a poll catches the rest.
      if (resumed) handlers.poll();
    });
    source.addEventListener('error', () => {
      if (closed || !source) return;
      if (source.readyState === EventSource.CLOSED) {
        // The server refused (down, 401, 5xx): EventSource gives up, so retry by hand.
        source = undefined;
        retryTimer = window.setTimeout(open, RECONNECT_MS);
        startPolling('the server did not accept it');
      } else {
        startPolling('reconnecting');
      }
    });
    for (const type of TYPES) {
      source.addEventListener(type, (e) => {
        const message = e as MessageEvent<string>;
        if (message.lastEventId) lastId = message.lastEventId;
        handlers.event(type, JSON.parse(message.data));
      });
    }
    source.addEventListener('reset', (e) => {
      const message = e as MessageEvent<string>;
      if (message.lastEventId) lastId = message.lastEventId;
      handlers.reset();
    });
  };

  handlers.state('connecting', 'Connecting to the live stream…');
  open();
  return {
    close() {
      closed = true;
      source?.close();
      stopPolling();
      if (retryTimer !== undefined) window.clearTimeout(retryTimer);
    },
  };
}
