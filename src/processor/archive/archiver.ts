import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isExpectedError, UserError } from '../../errors.js';
import type { ArchiveMetrics } from './archive-metrics.js';
import { archiveObjects, entryOf, partitionPrefix, staleKeys } from './objects.js';
import { PartitionBuffer, type ArchiveLimits } from './partition-buffer.js';
import { decodePendingHours, encodePendingHours } from './pending-hours.js';
import type { ArchiveStore } from './store.js';

export interface ArchiverOptions {
  kafka: Kafka;
  topic: string;
  /** The archive's own consumer group (`<processor group>-archive`). */
  group: string;
  store: ArchiveStore;
  limits: ArchiveLimits;
  /** Where a group with no committed offset starts: the oldest message (default) or new ones only. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** Partitions archived at the same time; default 4. */
  concurrency?: number;
  /** How often buffers are checked for age (ms); default min(1 s, max age / 4). */
  tickMs?: number;
  metrics?: ArchiveMetrics;
  now?: () => number;
  /** Told of a failure outside a batch (an age flush; it is tried again on the next tick). */
  onError?: (err: unknown) => void;
  /** Told when objects that a crash left behind were removed before their partition was consumed. */
  onDiscard?: (partition: number, keys: readonly string[]) => void;
  /** Told after each object is durable and before its offset is committed. */
  onObjectWritten?: (key: string) => void | Promise<void>;
}

export interface ArchiverTotals {
  objects: number;
  events: number;
  bytes: number;
  discarded: number;
}

/** What this member knows of a partition's committed state in the current generation. */
interface Progress {
  /** The committed offset; undefined when the group has none for the partition yet. */
  offset?: number;
  /** Hours a flush may have written to beyond `offset` (the commit metadata). */
  pending: string[];
}

/** A flush that found its partition gone to a newer generation: it leaves the work to the new owner. */
class StaleFlush extends Error {}

const gzipAsync = promisify(gzip);
const REBALANCE_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR',
]);

/**
 * The raw archive as a consumer group of its own, beside the sink's processor (as Kafka Connect's S3 sink
 * runs): per partition it buffers messages and writes them as objects when the buffer is full or old
 * enough, and commits the partition's offset only once the objects are durable. A flush first commits the
 * current offset again with the hours it is about to write into; on assignment, before anything is
 * consumed, the partition's objects in those hours that start at or past the committed offset — written
 * by a flush whose commit never came — are removed, so the replay writes their messages exactly once.
 */
export class Archiver {
  readonly totals: ArchiverTotals = { objects: 0, events: 0, bytes: 0, discarded: 0 };
  /** Settles when the archiver stops: resolves after a clean stop, rejects when its consumer gave up. */
  readonly done: Promise<void>;
  private consumer?: Consumer;
  private admin?: Admin;
  private ticker?: NodeJS.Timeout;
  private generation = 0;
  private assigned = new Set<number>();
  private readonly buffers = new Map<number, PartitionBuffer>();
  private readonly progress = new Map<number, Progress>();
  /** Serialises a partition's batches and age flushes. */
  private readonly locks = new Map<number, Promise<unknown>>();
  private readonly flushing = new Set<number>();
  private readonly now: () => number;
  private stopRequested = false;
  private stopping?: Promise<void>;
  private crashed: (err: unknown) => void = () => {};
  private resolveDone: () => void = () => {};

  constructor(private readonly options: ArchiverOptions) {
    this.now = options.now ?? Date.now;
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.crashed = reject;
    });
    this.done.catch(() => {}); // observed by whoever awaits it
  }

  async start(): Promise<void> {
    const { kafka, topic, group } = this.options;
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    this.admin = kafka.admin();
    this.consumer = kafka.consumer({
      groupId: group,
      sessionTimeout,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? Math.min(3_000, sessionTimeout / 3),
      maxBytesPerPartition: 1024 * 1024,
      // A user's mistake (bucket gone, credentials revoked) ends the archive; anything else restarts it.
      retry: {
        retries: 5,
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        restartOnFailure: async (err) => !(rootCause(err) instanceof UserError),
      },
    });
    // A new generation may have moved partitions: what was buffered is dropped (nothing of it was
    // committed, so its owner reads it again) and each partition is prepared again before use.
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.generation += 1;
      this.buffers.clear();
      this.progress.clear();
      this.assigned = new Set(event.payload.memberAssignment[topic] ?? []);
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.crashed(rootCause(event.payload.error));
    });
    await Promise.all([this.admin.connect(), this.consumer.connect()]);
    await this.consumer.subscribe({ topics: [topic], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 4,
      eachBatch: (payload) => this.onBatch(payload),
    });
    const tickMs = this.options.tickMs ?? Math.max(20, Math.min(1_000, this.options.limits.maxAgeMs / 4));
    this.ticker = setInterval(() => this.tick(), tickMs);
  }

  /** Messages consumed and not yet archived. */
  buffered(): number {
    let n = 0;
    for (const buffer of this.buffers.values()) n += buffer.size;
    return n;
  }

  /** Archives what is buffered (and commits it), then leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRequested = true;
      if (this.ticker) clearInterval(this.ticker);
      try {
        const generation = this.generation;
        await Promise.all(
          [...this.buffers].map(([partition, buffer]) =>
            this.withLock(partition, () => this.flush(partition, generation, buffer)).catch((err: unknown) =>
              this.report(err),
            ),
          ),
        );
        await this.consumer?.stop();
        await this.consumer?.disconnect();
      } finally {
        await this.admin?.disconnect().catch(() => {});
        this.options.store.close();
        this.resolveDone();
      }
    })();
    return this.stopping;
  }

  private async onBatch({ batch, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    if (this.stopRequested || isStale() || batch.messages.length === 0) return;
    const { partition } = batch;
    const generation = this.generation;
    await this.withLock(partition, async () => {
      if (this.stopRequested || generation !== this.generation) return;
      if (!this.progress.has(partition)) await this.prepare(partition);
      const buffer = this.bufferOf(partition);
      for (const message of batch.messages) {
        const entry = entryOf(this.options.topic, partition, {
          offset: Number(message.offset),
          timestamp: Number(message.timestamp),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
        });
        if (!buffer.accepts(entry)) continue;
        if (buffer.needsFlushBefore(entry)) {
          await this.flush(partition, generation, buffer);
          await heartbeat();
        }
        buffer.add(entry, this.now());
        if (buffer.isFull()) {
          await this.flush(partition, generation, buffer);
          await heartbeat();
        }
      }
    });
  }

  /** Reads the partition's committed offset and pending hours, and removes what a crash left there. */
  private async prepare(partition: number): Promise<void> {
    const offsets = await this.admin!.fetchOffsets({
      groupId: this.options.group,
      topics: [this.options.topic],
    });
    const entry = offsets[0]?.partitions.find((p) => p.partition === partition);
    const offset = entry && Number(entry.offset) >= 0 ? Number(entry.offset) : undefined;
    const progress: Progress = {
      offset,
      pending: offset === undefined ? [] : decodePendingHours(entry?.metadata),
    };
    await this.discard(partition, progress);
    this.progress.set(partition, progress);
  }

  /** Removes the partition's objects in its pending hours that start at or past the committed offset. */
  private async discard(partition: number, progress: Progress): Promise<void> {
    const { store, topic } = this.options;
    if (progress.offset === undefined || progress.pending.length === 0) return;
    const removed: string[] = [];
    for (const hour of progress.pending) {
      const prefix = partitionPrefix(topic, hour, partition);
      const stale = staleKeys(await store.list(prefix), partition, progress.offset);
      await store.delete(stale);
      await store.discardUnfinished(prefix);
      removed.push(...stale);
    }
    // The metadata names these hours until the next commit; looking again would find nothing.
    progress.pending = [];
    if (removed.length === 0) return;
    this.totals.discarded += removed.length;
    this.options.metrics?.discarded.inc(removed.length);
    this.options.onDiscard?.(partition, removed);
  }

  /**
   * Writes the buffer as objects and commits past them: the current offset again with the hours about to
   * be written (so a crash before the final commit is found), the objects, then the next offset.
   */
  private async flush(partition: number, generation: number, buffer: PartitionBuffer): Promise<void> {
    const entries = buffer.held();
    if (entries.length === 0) return;
    const { store, topic } = this.options;
    const progress = this.progress.get(partition);
    if (!progress) throw new StaleFlush();
    // An earlier flush of this partition failed after saying where it writes: clear that first.
    await this.discard(partition, progress);
    const objects = archiveObjects(topic, partition, entries);
    const from = progress.offset ?? entries[0]!.offset;
    const next = entries[entries.length - 1]!.offset + 1;
    const hours = objects.map((o) => o.hour);
    await this.commit(partition, generation, from, encodePendingHours(hours));
    progress.offset = from;
    progress.pending = hours;
    const written: string[] = [];
    let bytes = 0;
    try {
      for (const object of objects) {
        const body = await gzipAsync(object.body);
        await store.put(object.key, body);
        written.push(object.key);
        bytes += body.length;
        await this.options.onObjectWritten?.(object.key);
      }
      this.ensureCurrent(partition, generation);
    } catch (err) {
      // The partition has a new owner, who may have looked for leftovers already: take ours back.
      if (err instanceof StaleFlush) await store.delete(written).catch(() => {});
      throw err;
    }
    await this.commit(partition, generation, next, '');
    progress.offset = next;
    progress.pending = [];
    buffer.clear();
    this.totals.objects += objects.length;
    this.totals.events += entries.length;
    this.totals.bytes += bytes;
    const m = this.options.metrics;
    m?.objects.inc(objects.length);
    m?.events.inc(entries.length);
    m?.bytes.inc(bytes);
  }

  private async commit(partition: number, generation: number, offset: number, metadata: string) {
    this.ensureCurrent(partition, generation);
    await this.consumer!.commitOffsets([
      { topic: this.options.topic, partition, offset: String(offset), metadata },
    ]);
  }

  /** A flush commits only for the generation it began in, and only a partition this member still owns. */
  private ensureCurrent(partition: number, generation: number): void {
    if (generation !== this.generation || !this.assigned.has(partition)) throw new StaleFlush();
  }

  /** Flushes the buffers that have waited long enough. */
  private tick(): void {
    const now = this.now();
    for (const [partition, buffer] of this.buffers) {
      if (!buffer.isDue(now) || this.flushing.has(partition)) continue;
      const generation = this.generation;
      this.flushing.add(partition);
      void this.withLock(partition, async () => {
        if (this.stopRequested || this.buffers.get(partition) !== buffer) return;
        await this.flush(partition, generation, buffer);
      })
        .catch((err: unknown) => this.report(err))
        .finally(() => this.flushing.delete(partition));
    }
  }

  private report(err: unknown): void {
    if (err instanceof StaleFlush) return;
    if (REBALANCE_ERRORS.has((err as { type?: string }).type ?? '')) return; // the next generation redoes it
    // The user's mistake (bucket gone, credentials revoked) does not mend itself: the archive stops.
    if (rootCause(err) instanceof UserError) return this.crashed(rootCause(err));
    this.options.onError?.(err);
  }

  private bufferOf(partition: number): PartitionBuffer {
    let buffer = this.buffers.get(partition);
    if (!buffer) {
      buffer = new PartitionBuffer(this.options.limits);
      this.buffers.set(partition, buffer);
    }
    return buffer;
  }

  private withLock<T>(partition: number, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(partition) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(task);
    this.locks.set(
      partition,
      next.catch(() => {}),
    );
    return next;
  }
}

/** The error under kafkajs's wrappers (retries exceeded → the handler's own error, ours if it was ours). */
function rootCause(err: unknown): unknown {
  let e = err;
  for (let depth = 0; depth < 8 && !isExpectedError(e); depth += 1) {
    const cause = (e as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) return e;
    e = cause;
  }
  return e;
}
