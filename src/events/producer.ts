import { performance } from 'node:perf_hooks';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { parseEvent } from './event-schema.js';
import { EventGenerator, type GeneratorOptions } from './generator.js';

/**
 * Sends a paced stream of messages to a topic: the generator's synthetic events or replayed lines.
 *
 * Pacing is by schedule: message i is due at start + i / rate, and each round sends every message that is
 * due (at most `batchSize`), so the average rate is exact however long a send takes, and a slow send is
 * caught up rather than lost. The producer is kafkajs's idempotent one (acks from all replicas, one
 * request in flight, unbounded retries) so a broker restart neither loses nor duplicates an acknowledged
 * message; a broker without InitProducerId gets a plain producer with acks=-1 instead.
 */
export interface OutgoingMessage {
  key: string | null;
  value: string;
  kind?: 'valid' | 'delayed' | 'invalid';
}

export interface ProduceProgress {
  sent: number;
  invalid: number;
  late: number;
  errors: number;
  elapsedMs: number;
  /** Messages per second so far. */
  rate: number;
}

export interface ProduceSummary extends ProduceProgress {
  topic: string;
  seed?: number | string;
  idempotent: boolean;
  /** What ended the run. */
  stoppedBy: 'count' | 'duration' | 'signal' | 'end-of-input';
}

export interface ProduceEventsOptions {
  kafka: Kafka;
  topic: string;
  /** The synthetic stream's options (ignored when `messages` is given). */
  generator?: GeneratorOptions;
  /** Messages to send instead of generated ones (a replay); `kind` is worked out when absent. */
  messages?: Iterable<OutgoingMessage> | AsyncIterable<OutgoingMessage>;
  count?: number;
  durationMs?: number;
  /** Messages per second; 0 sends as fast as the broker acknowledges. */
  rate: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProduceProgress) => void;
  progressIntervalMs?: number;
  /** Use the idempotent producer when the broker supports it (default true). */
  idempotent?: boolean;
  /** How long an interrupted run waits for the batch in flight before giving up on it (ms). */
  stopGraceMs?: number;
}

const MAX_CONSECUTIVE_FAILURES = 5;

/**
 * The retry policy of the Kafka client a producer is built on. kafkajs retries a send with the producer's
 * own policy (unbounded here) but reconnects and refreshes metadata with the client's: with the usual
 * client policy (8 retries, about 10 s) a broker that takes longer to come back makes a send fail with
 * KafkaJSNumberOfRetriesExceeded, which the producer does not retry, and the batch is lost. A client for
 * produceEvents waits as long as its producer does.
 */
export const PRODUCER_CLIENT_RETRY = {
  retries: Number.MAX_SAFE_INTEGER,
  initialRetryTime: 100,
  maxRetryTime: 2000,
};

export async function produceEvents(options: ProduceEventsOptions): Promise<ProduceSummary> {
  const batchSize = options.batchSize ?? 500;
  const generator = options.messages ? undefined : new EventGenerator(options.generator);
  const source = options.messages ? toAsyncIterator(options.messages) : undefined;
  const { producer, idempotent } = await connectProducer(options.kafka, options.idempotent ?? true);

  const start = performance.now();
  const progress: ProduceProgress = { sent: 0, invalid: 0, late: 0, errors: 0, elapsedMs: 0, rate: 0 };
  let scheduled = 0; // messages taken from the source so far (sent or failed)
  let failures = 0;
  let lastProgressAt = -Infinity;
  let stoppedBy: ProduceSummary['stoppedBy'] = 'count';
  const report = (force: boolean) => {
    const now = performance.now();
    progress.elapsedMs = Math.round(now - start);
    progress.rate = progress.elapsedMs > 0 ? (progress.sent * 1000) / progress.elapsedMs : 0;
    if (options.onProgress && (force || now - lastProgressAt >= (options.progressIntervalMs ?? 1000))) {
      lastProgressAt = now;
      options.onProgress({ ...progress });
    }
  };

  try {
    for (;;) {
      if (options.signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      if (options.count !== undefined && scheduled >= options.count) {
        stoppedBy = 'count';
        break;
      }
      const elapsed = performance.now() - start;
      if (options.durationMs !== undefined && elapsed >= options.durationMs) {
        stoppedBy = 'duration';
        break;
      }
      let due = dueCount(options, elapsed, scheduled, batchSize);
      if (options.count !== undefined) due = Math.min(due, options.count - scheduled);
      if (due <= 0) {
        await sleepUntilDue(options, start, scheduled);
        continue;
      }
      const batch = await take(generator, source, due);
      if (batch.length === 0) {
        stoppedBy = 'end-of-input';
        break;
      }
      scheduled += batch.length;
      const ok = await sendBatch(producer, options, batch);
      if (ok === 'aborted') {
        progress.errors += batch.length;
        stoppedBy = 'signal';
        break;
      }
      if (ok instanceof Error) {
        progress.errors += batch.length;
        failures += 1;
        if (failures >= MAX_CONSECUTIVE_FAILURES) throw ok;
      } else {
        failures = 0;
        progress.sent += batch.length;
        for (const m of batch) {
          const kind = m.kind ?? (parseEvent(m.value).ok ? 'valid' : 'invalid');
          if (kind === 'invalid') progress.invalid += 1;
          if (kind === 'delayed') progress.late += 1;
        }
      }
      report(false);
      if (batch.length < due && source) {
        stoppedBy = 'end-of-input';
        break;
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  report(true);
  return { ...progress, topic: options.topic, seed: generator?.seed, idempotent, stoppedBy };
}

/** How many messages are due at `elapsed` ms, beyond the `scheduled` ones already taken. */
function dueCount(
  options: ProduceEventsOptions,
  elapsed: number,
  scheduled: number,
  batchSize: number,
): number {
  if (options.rate <= 0) return batchSize;
  let due = Math.floor((elapsed * options.rate) / 1000) + 1;
  // Messages due at or after the end of --duration are not sent.
  if (options.durationMs !== undefined)
    due = Math.min(due, Math.ceil((options.durationMs * options.rate) / 1000));
  return Math.min(due - scheduled, batchSize);
}

async function sleepUntilDue(options: ProduceEventsOptions, start: number, scheduled: number): Promise<void> {
  const dueAt = start + (scheduled * 1000) / options.rate;
  let wait = dueAt - performance.now();
  if (options.durationMs !== undefined) wait = Math.min(wait, start + options.durationMs - performance.now());
  await abortableSleep(Math.max(1, Math.ceil(wait)), options.signal);
}

async function take(
  generator: EventGenerator | undefined,
  source: AsyncIterator<OutgoingMessage> | undefined,
  n: number,
): Promise<OutgoingMessage[]> {
  if (generator) return generator.take(n).map((m) => ({ key: m.key, value: m.value, kind: m.kind }));
  const batch: OutgoingMessage[] = [];
  while (source && batch.length < n) {
    const next = await source.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}

/** Sends one batch; on interruption waits `stopGraceMs` for it, then reports it as not acknowledged. */
async function sendBatch(
  producer: Producer,
  options: ProduceEventsOptions,
  batch: OutgoingMessage[],
): Promise<true | Error | 'aborted'> {
  const send = producer
    .send({ topic: options.topic, acks: -1, messages: batch.map((m) => ({ key: m.key, value: m.value })) })
    .then(
      () => true as const,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
  const signal = options.signal;
  if (!signal) return send;
  const grace = options.stopGraceMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve('aborted'), grace);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([send, aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

async function connectProducer(
  kafka: Kafka,
  idempotent: boolean,
): Promise<{ producer: Producer; idempotent: boolean }> {
  if (idempotent) {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: PRODUCER_CLIENT_RETRY,
    });
    try {
      await producer.connect();
      return { producer, idempotent: true };
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      if (!lacksIdempotence(err)) throw err;
    }
  }
  const producer = kafka.producer({
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  await producer.connect();
  return { producer, idempotent: false };
}

/** The broker cannot hand out producer ids (no InitProducerId API, or refuses it). */
function lacksIdempotence(err: unknown): boolean {
  const name = (err as { name?: string }).name ?? '';
  const type = (err as { type?: string }).type ?? '';
  return (
    name === 'KafkaJSServerDoesNotSupportApiKey' ||
    name === 'KafkaJSNotImplemented' ||
    ['UNSUPPORTED_VERSION', 'CLUSTER_AUTHORIZATION_FAILED', 'INVALID_REQUEST'].includes(type)
  );
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function toAsyncIterator<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in items) return (items as AsyncIterable<T>)[Symbol.asyncIterator]();
  const it = (items as Iterable<T>)[Symbol.iterator]();
  return { next: async () => it.next() };
}
