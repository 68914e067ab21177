import type {
  DeadLetterRecord,
  LiveBus,
  LiveEvent,
  LiveListener,
  RatesSample,
} from '../processor/live-bus.js';

/**
 * The API's side of the live feed: gives every event from the bus an id, keeps the last `bufferSize`
 * for clients that reconnect with `Last-Event-ID`, the last 15 minutes of rate samples for the
 * overview's chart, and the latest dead letters for the dead-letter browser.
 *
 * Ids are increasing integers that start at the boot time in microseconds, so ids of a restarted server
 * are larger than any id a client kept from before the restart; such an id is older than the buffer and
 * is answered with a `reset` (reload from the REST API), never with a silent gap.
 */

export interface StreamMessage {
  id: number;
  type: LiveEvent['type'];
  data: unknown;
}

export interface LiveHubOptions {
  /** Events kept for `Last-Event-ID` resumption. */
  bufferSize?: number;
  /** Rate samples kept (one a second: 900 is 15 minutes). */
  rateSamples?: number;
  /** Dead letters kept for the browser. */
  deadLetters?: number;
  /** First id (tests). */
  firstId?: number;
}

export const DEFAULT_BUFFER_SIZE = 5_000;

export class LiveHub {
  readonly bufferSize: number;
  private readonly rateLimit: number;
  private readonly deadLetterLimit: number;
  private buffer: StreamMessage[] = [];
  private rateHistory: RatesSample[] = [];
  private letters: DeadLetterRecord[] = [];
  private readonly listeners = new Set<(message: StreamMessage) => void>();
  private nextId: number;
  /** Where the feed comes from, for the services panel: set by whoever attaches it. */
  source: 'processor' | 'tables' | 'none' = 'none';

  constructor(options: LiveHubOptions = {}) {
    this.bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    this.rateLimit = options.rateSamples ?? 900;
    this.deadLetterLimit = options.deadLetters ?? 500;
    this.nextId = options.firstId ?? Date.now() * 1000;
  }

  /** Feeds the hub from a bus; returns the function that detaches it. */
  attach(bus: LiveBus, source: LiveHub['source']): () => void {
    this.source = source;
    const listener: LiveListener = (event) => this.push(event);
    return bus.subscribe(listener);
  }

  push(event: LiveEvent): StreamMessage {
    const message: StreamMessage = { id: this.nextId++, type: event.type, data: event.data };
    this.buffer.push(message);
    // Trim in steps, so keeping the buffer costs O(1) per event on average.
    if (this.buffer.length > this.bufferSize * 1.25) this.buffer = this.buffer.slice(-this.bufferSize);
    if (event.type === 'rates') keepLast(this.rateHistory, event.data, this.rateLimit);
    if (event.type === 'dead_letter') keepLast(this.letters, event.data, this.deadLetterLimit);
    for (const listener of this.listeners) listener(message);
    return message;
  }

  /**
   * The messages after `lastId`. `complete` is false when some of them have left the buffer (or the id
   * comes from another run of the server): the client must reload its views.
   */
  since(lastId: number): { messages: StreamMessage[]; complete: boolean } {
    const kept = this.buffer.slice(-this.bufferSize);
    const first = kept[0]?.id ?? this.nextId;
    if (lastId >= this.nextId) return { messages: [], complete: false };
    if (lastId < first - 1) return { messages: kept, complete: false };
    return { messages: kept.filter((m) => m.id > lastId), complete: true };
  }

  /** The id the next message will get (a client that has seen everything holds this − 1). */
  get latestId(): number {
    return this.nextId - 1;
  }

  subscribe(listener: (message: StreamMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get clients(): number {
    return this.listeners.size;
  }

  rates(): RatesSample[] {
    return [...this.rateHistory];
  }

  lastRatesAt(): string | undefined {
    return this.rateHistory[this.rateHistory.length - 1]?.at;
  }

  /** The latest dead letters, newest first. */
  deadLetters(limit: number): DeadLetterRecord[] {
    return this.letters.slice(-limit).reverse();
  }
}

function keepLast<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
