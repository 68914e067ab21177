import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { BrokerConfig } from '../broker-state.js';
import { ProducerStates, type SequenceCheck } from './producer-state.js';
import {
  BATCH_HEADER_BYTES,
  readBatchHeader,
  recordTimestamps,
  setBaseOffset,
  type BatchHeader,
} from './record-batch.js';
import { Segment, segmentName, type BatchEntry } from './segment.js';
import { syncDirectory } from './sync-directory.js';

/**
 * How far back (by the segment files' last write) producer state is rebuilt on open. A batch whose reply
 * a crash cut off was written moments before the crash (its reply waits only for the fsync), so it is
 * within seconds of the newest write; five minutes is a wide margin that still bounds the work of a
 * restart on a long log. (A retry that reaches a broker only after a second restart, with more than this
 * of other producers' writes in between, finds its producer unknown and is appended.)
 */
const PRODUCER_STATE_WINDOW_MS = 5 * 60 * 1000;

export interface AppendResult {
  /** Offset of the first record appended (or of the original, for a duplicate retry). */
  baseOffset: number;
  error?: Extract<SequenceCheck, { kind: 'error' }>['error'];
}

export interface ReadResult {
  /** Whole batches starting with the one that holds `offset`; empty when there is nothing yet. */
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
}

/**
 * One partition's log: a list of segments, the last one active. Appends are serialized (offsets are
 * assigned when the append is queued, so concurrent producers get increasing offsets in queue order), and
 * data becomes visible to readers once written. With fsync 'always', an append resolves only after
 * fdatasync; syncs of concurrent appends are coalesced into one.
 */
/** Segments roll at least this often so time retention can delete whole segments (Kafka's segment.ms). */
export function segmentRollMs(config: Pick<BrokerConfig, 'retentionMs'>): number {
  return Math.min(config.retentionMs, 60 * 60 * 1000);
}

export class PartitionLog {
  private nextOffset: number;
  /** Highest offset + 1 that readers may see (written to the file). */
  private visibleOffset: number;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly waiters = new Set<() => void>();
  private syncing: Promise<void> | null = null;
  private nextSync: Promise<void> | null = null;
  private readonly dirty = new Set<Segment>();
  private closed = false;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    private readonly segments: Segment[],
    private readonly config: BrokerConfig,
    private readonly producers: ProducerStates,
  ) {
    this.nextOffset = segments.at(-1)!.nextOffset + 1;
    this.visibleOffset = this.nextOffset;
  }

  static async open(
    dir: string,
    topic: string,
    partition: number,
    config: BrokerConfig,
    log: (line: string) => void,
  ): Promise<PartitionLog> {
    await mkdir(dir, { recursive: true });
    if (config.fsync !== 'never') await syncDirectory(path.dirname(dir));
    const bases = (await readdir(dir))
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    // Idempotent producers' recent batches are restored, so a retry that reaches a restarted broker is
    // still recognised as a duplicate. The batches a crash may have left unanswered were written shortly
    // before the last write of all, but not necessarily in the active segment: another producer's batch
    // may have rolled the log in between. So every segment written to within PRODUCER_STATE_WINDOW_MS of
    // the newest write is replayed, oldest first (the active one as its recovery scan reads it).
    const producers = new ProducerStates();
    const mtimes = await Promise.all(
      bases.map(async (base) => (await stat(path.join(dir, segmentName(base, 'log')))).mtimeMs),
    );
    const newest = Math.max(...mtimes);
    for (const [i, base] of bases.entries()) {
      const active = i === bases.length - 1;
      const record = (h: BatchHeader): void => producers.record(h, h.baseOffset);
      const segment = await Segment.load(dir, base, active, log, active ? record : undefined);
      if (!active && mtimes[i]! >= newest - PRODUCER_STATE_WINDOW_MS) await replayHeaders(segment, record);
      segments.push(segment);
    }
    if (segments.length === 0) segments.push(await Segment.create(dir, 0));
    return new PartitionLog(topic, partition, dir, segments, config, producers);
  }

  /** The highest idempotent producer id in this partition's recent batches (-1 if none). */
  get maxProducerId(): bigint {
    return this.producers.maxProducerId;
  }

  get logStartOffset(): number {
    return this.segments[0]!.entries[0]?.baseOffset ?? this.segments[0]!.baseOffset;
  }

  get highWatermark(): number {
    return this.visibleOffset;
  }

  /**
   * Appends one validated batch. Its offsets are assigned now (so appends queued by concurrent requests
   * get increasing offsets in queue order); the promise resolves once it is written, and synced if `sync`.
   * A retry of an idempotent producer's recent batch resolves with the original offset, writing nothing.
   */
  append(batch: Buffer, sync: boolean): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error(`${this.topic}-${this.partition} is closed`));
    const h = readBatchHeader(batch);
    const check = this.producers.check(h);
    if (check.kind === 'error') return Promise.resolve({ baseOffset: -1, error: check.error });
    if (check.kind === 'duplicate') return Promise.resolve({ baseOffset: check.baseOffset });
    const baseOffset = this.nextOffset;
    setBaseOffset(batch, baseOffset);
    this.producers.record(h, baseOffset);
    this.nextOffset += h.lastOffsetDelta + 1;
    const entry: BatchEntry = {
      baseOffset,
      lastOffset: baseOffset + h.lastOffsetDelta,
      position: 0,
      size: batch.length,
      maxTimestamp: h.maxTimestamp,
    };
    const endOffset = this.nextOffset;
    const written = this.tail.then(() => this.write(batch, entry, endOffset));
    this.tail = written.catch(() => undefined);
    return written.then(async () => {
      if (sync) await this.sync();
      return { baseOffset };
    });
  }

  private async write(batch: Buffer, entry: BatchEntry, endOffset: number): Promise<void> {
    let active = this.segments.at(-1)!;
    const bytes = entry.size;
    const age = Date.now() - active.createdMs;
    if (
      active.entries.length > 0 &&
      (active.size + bytes > this.config.segmentBytes || age > this.segmentMs())
    ) {
      const previous = active;
      active = await Segment.create(this.dir, entry.baseOffset);
      this.segments.push(active);
      // The closed segment's tail and the new file's directory entry must be durable before anything
      // written to the new segment is acknowledged.
      if (this.config.fsync !== 'never') await Promise.all([previous.sync(), syncDirectory(this.dir)]);
    }
    entry.position = active.size;
    await active.append(batch, entry);
    this.dirty.add(active);
    this.visibleOffset = endOffset;
    for (const wake of [...this.waiters]) wake();
  }

  private segmentMs(): number {
    return segmentRollMs(this.config);
  }

  /** One fdatasync for every append written so far; concurrent callers share the next sync. */
  sync(): Promise<void> {
    if (this.syncing === null) {
      const segments = [...this.dirty];
      this.dirty.clear();
      this.syncing = Promise.all(segments.map((s) => s.sync()))
        .then(() => undefined)
        .finally(() => {
          this.syncing = null;
        });
      return this.syncing;
    }
    // A sync is running and may have started before our write: wait for it, then share one more.
    this.nextSync ??= this.syncing.then(() => {
      this.nextSync = null;
      return this.sync();
    });
    return this.nextSync;
  }

  /**
   * Whole batches from `offset` up to maxBytes. With `atLeastOne`, the first batch is returned even when
   * larger (KIP-74: the first partition of a Fetch response may exceed the limit so a consumer progresses).
   */
  async read(offset: number, maxBytes: number, atLeastOne = true): Promise<ReadResult> {
    const result: ReadResult = {
      records: Buffer.alloc(0),
      highWatermark: this.visibleOffset,
      logStartOffset: this.logStartOffset,
    };
    if (offset >= this.visibleOffset) return result;
    const segment = this.segmentFor(offset);
    if (segment === undefined) return result;
    let i = segment.findBatch(offset);
    const first = segment.entries[i];
    if (first === undefined || first.baseOffset >= this.visibleOffset) return result;
    if (!atLeastOne && first.size > maxBytes) return result;
    let length = first.size;
    for (i++; i < segment.entries.length; i++) {
      const e = segment.entries[i]!;
      if (e.baseOffset >= this.visibleOffset || length + e.size > maxBytes) break;
      length += e.size;
    }
    result.records = await segment.readAt(first.position, length);
    return result;
  }

  private segmentFor(offset: number): Segment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!;
      if (s.baseOffset <= offset) return s;
    }
    return undefined;
  }

  /**
   * The first offset whose record timestamp is >= ts, with that timestamp (ListOffsets by time); undefined
   * if none. For batches stored opaque (snappy, lz4, zstd) the answer is the batch's first offset.
   */
  async offsetForTimestamp(ts: number): Promise<{ offset: number; timestamp: number } | undefined> {
    for (const segment of this.segments)
      for (const e of segment.entries) {
        if (e.maxTimestamp < ts || e.baseOffset >= this.visibleOffset) continue;
        const batch = await segment.readAt(e.position, e.size);
        const records = recordTimestamps(batch, this.config.maxFrameBytes);
        const hit = records?.find((rec) => rec.timestamp >= ts);
        if (hit === undefined) return { offset: e.baseOffset, timestamp: e.maxTimestamp };
        return { offset: e.baseOffset + hit.offsetDelta, timestamp: hit.timestamp };
      }
    return undefined;
  }

  /** Resolves on the next append, or when the signal aborts. */
  waitForAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Deletes whole closed segments older than retention.ms or beyond retention.bytes. */
  async applyRetention(now: number): Promise<number> {
    const { retentionMs, retentionBytes } = this.config;
    let total = this.segments.reduce((n, s) => n + s.size, 0);
    let deleted = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const expired = retentionMs >= 0 && now - oldest.lastAppendMs > retentionMs;
      const oversize = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      if (!expired && !oversize) break;
      this.segments.shift();
      total -= oldest.size;
      deleted++;
      await Promise.all([
        unlink(path.join(this.dir, segmentName(oldest.baseOffset, 'log'))),
        unlink(path.join(this.dir, segmentName(oldest.baseOffset, 'index'))),
      ]);
      // A Fetch may be reading it right now; the open handle keeps the data until it finishes.
      setTimeout(() => void oldest.close(), 30_000).unref();
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    if (this.config.fsync !== 'never') await this.sync().catch(() => undefined);
    for (const wake of [...this.waiters]) wake();
    await Promise.all(this.segments.map((s) => s.close()));
  }

  async delete(): Promise<void> {
    await this.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Hands the header of every batch of a (closed, index-loaded) segment to `onBatch`, in log order. */
async function replayHeaders(segment: Segment, onBatch: (h: BatchHeader) => void): Promise<void> {
  const chunkSize = 1024 * 1024;
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = 0;
  for (const e of segment.entries) {
    if (e.position + BATCH_HEADER_BYTES > bufStart + buf.length) {
      bufStart = e.position;
      buf = await segment.readAt(e.position, Math.max(BATCH_HEADER_BYTES, chunkSize));
      if (buf.length < BATCH_HEADER_BYTES) return;
    }
    onBatch(readBatchHeader(buf, e.position - bufStart));
  }
}
