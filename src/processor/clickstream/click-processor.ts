import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { decodeAll } from '../decoded.js';
import { loopClients, PartitionLocks, runLoop, stopConsuming, totalOf } from '../consumer-loop.js';
import { parseClickEvent } from '../../events/clickstream/click-schema.js';
import { deadLetterMessage } from '../dead-letter.js';
import { OffsetMoved, type PostgresClickSink } from '../sinks/postgres-sink.js';
import { tickIdle } from '../watermark.js';
import type { ClickstreamMetrics } from './click-metrics.js';
import { planClickBatch, planTick, type ClickPlan, type ClickState } from './click-planner.js';

export interface ClickProcessorOptions {
  kafka: Kafka;
  topic: string;
  dlqTopic: string;
  group: string;
  sink: PostgresClickSink;
  windowMs: number;
  watermarkDelayMs: number;
  sessionGapMs: number;
  fromBeginning?: boolean;
  metrics?: ClickstreamMetrics;
  tickMs?: number;
  idleAfterMs?: number;
  concurrency?: number;
  /** The group's session timeout: how long a killed member's partitions wait (default 30 s). */
  sessionTimeoutMs?: number;
  /** Heartbeat period (default 3 s), at most a third of the session timeout. */
  heartbeatIntervalMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export interface ClickTotals {
  consumed: number;
  valid: number;
  invalid: number;
  late: number;
  replayed: number;
  deadLetters: number;
  batches: number;
  conflicts: number;
}

interface PartitionEntry {
  /** Next offset to process; null until the first commit of this partition. */
  nextOffset: number | null;
  state: ClickState;
  caughtUp: boolean;
}

/**
 * The clickstream processor: a kafkajs consumer group whose offsets live in PostgreSQL. On the first
 * batch of a partition after assignment it loads the partition's stored offset, watermark and open
 * sessions, seeks there if Kafka's position differs, and from then on commits each batch's rows and
 * next offset in one transaction (see PostgresClickSink). Kafka's own committed offset follows, only so
 * that `citystream lag` and other tools see progress; it is never read back as the truth.
 */
export class ClickProcessor {
  readonly totals: ClickTotals = {
    consumed: 0,
    valid: 0,
    invalid: 0,
    late: 0,
    replayed: 0,
    deadLetters: 0,
    batches: 0,
    conflicts: 0,
  };
  readonly lag = new Map<number, number>();
  private readonly partitions = new Map<number, PartitionEntry>();
  private readonly locks = new PartitionLocks();
  private readonly now: () => number;
  private consumer?: Consumer;
  private producer?: Producer;
  private admin?: Admin;
  private ticker?: NodeJS.Timeout;
  private stopping?: Promise<void>;
  private crashed?: (err: unknown) => void;
  private resolveDone: () => void = () => {};
  readonly done: Promise<void>;

  constructor(private readonly options: ClickProcessorOptions) {
    this.now = options.now ?? Date.now;
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.crashed = reject;
    });
    this.done.catch(() => {});
  }

  async start(): Promise<void> {
    const { kafka, topic } = this.options;
    const clients = loopClients(kafka, this.options);
    ({ consumer: this.consumer, producer: this.producer, admin: this.admin } = clients);
    // A new generation may have moved partitions: PostgreSQL is the truth, read again on first touch.
    clients.consumer.on(clients.consumer.events.GROUP_JOIN, () => {
      this.partitions.clear();
      this.lag.clear();
    });
    await runLoop(clients, {
      topic,
      fromBeginning: this.options.fromBeginning,
      concurrency: this.options.concurrency ?? 4,
      locks: this.locks,
      eachBatch: (payload) => this.onBatch(payload),
      onCrash: (err) => this.crashed?.(err),
    });
    const tickMs = this.options.tickMs ?? Math.max(50, Math.min(5_000, this.options.watermarkDelayMs / 4));
    this.ticker = setInterval(() => void this.tick().catch((err) => this.options.onError?.(err)), tickMs);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.ticker) clearInterval(this.ticker);
      try {
        const { consumer, producer, admin, locks } = this;
        await stopConsuming({ consumer, producer, admin, locks });
      } finally {
        this.resolveDone();
      }
    })();
    return this.stopping;
  }

  totalLag(): number {
    return totalOf(this.lag);
  }

  /** Open sessions held in memory, for the console view. */
  openSessions(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.state.sessions.size;
    return n;
  }

  private async entryOf(partition: number): Promise<PartitionEntry> {
    const known = this.partitions.get(partition);
    if (known) return known;
    const stored = await this.options.sink.load(partition, this.now());
    const entry: PartitionEntry = { nextOffset: stored.nextOffset, state: stored.state, caughtUp: false };
    this.partitions.set(partition, entry);
    return entry;
  }

  /** Where a partition with no stored offset starts: its log start (or end, without --from-beginning). */
  private async startOffset(partition: number): Promise<number> {
    const offsets = await this.admin!.fetchTopicOffsets(this.options.topic);
    const p = offsets.find((o) => o.partition === partition);
    return Number((this.options.fromBeginning ?? true) ? (p?.low ?? 0) : (p?.high ?? 0));
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isStale,
  }: EachBatchPayload) {
    if (batch.messages.length === 0 || isStale()) return;
    const started = process.hrtime.bigint();
    const partition = batch.partition;
    const entry = await this.entryOf(partition);
    const first = Number(batch.messages[0]!.offset);
    const expected = entry.nextOffset ?? (await this.startOffset(partition));
    if (first > expected) {
      // Kafka's committed offset is ahead of PostgreSQL's (a lost commit, a restored database): go back.
      this.consumer!.seek({ topic: batch.topic, partition, offset: String(expected) });
      return;
    }
    const fresh = batch.messages.filter((m) => Number(m.offset) >= expected);
    const replayed = batch.messages.length - fresh.length;
    const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
    if (fresh.length > 0) {
      const decoded = decodeAll(
        fresh.map((m) => ({ offset: Number(m.offset), key: m.key, value: m.value })),
        (v) => parseClickEvent(v, { now: this.now() }),
      );
      const plan = planClickBatch(decoded, entry.state, this.plannerOptions(partition), this.now());
      const next = Number(lastOffset) + 1;
      if (plan.deadLetters.length > 0)
        await this.producer!.send({
          topic: this.options.dlqTopic,
          acks: -1,
          messages: plan.deadLetters.map((d) => deadLetterMessage(batch.topic, partition, d)),
        });
      try {
        await this.options.sink.commit(partition, entry.nextOffset, next, plan);
      } catch (err) {
        if (!(err instanceof OffsetMoved)) throw err;
        // Another member wrote this partition (a rebalance in flight): forget it and re-read on next touch.
        this.totals.conflicts += 1;
        this.partitions.delete(partition);
        await heartbeat();
        return;
      }
      entry.nextOffset = next;
      entry.state = plan.next;
      this.record(plan, decoded.length, replayed, partition, batch.messages.at(-1)!.timestamp);
    } else {
      this.totals.replayed += replayed;
    }
    await commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition, offset: String(Number(lastOffset) + 1) }] }],
    }).catch(() => {}); // informational only: PostgreSQL holds the offset that counts
    resolveOffset(lastOffset);
    const lag = Math.max(0, Number(batch.highWatermark) - (Number(lastOffset) + 1));
    this.lag.set(partition, lag);
    entry.caughtUp = lag === 0;
    const m = this.options.metrics;
    if (m) {
      m.base.lag.set({ partition: String(partition) }, lag);
      m.base.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
    await heartbeat();
  }

  private plannerOptions(partition: number) {
    return {
      partition,
      windowMs: this.options.windowMs,
      watermarkDelayMs: this.options.watermarkDelayMs,
      sessionGapMs: this.options.sessionGapMs,
    };
  }

  private record(plan: ClickPlan, consumed: number, replayed: number, partition: number, ts: string) {
    const t = this.totals;
    t.batches += 1;
    t.consumed += consumed;
    t.valid += plan.stats.valid;
    t.invalid += plan.stats.invalid;
    t.late += plan.stats.late;
    t.replayed += replayed;
    t.deadLetters += plan.deadLetters.length;
    const m = this.options.metrics;
    if (!m) return;
    const b = m.base;
    b.eventsIn.inc(consumed);
    b.written.inc(plan.raw.length);
    b.late.inc(plan.stats.late);
    b.replayed.inc(replayed);
    b.dlq.inc(plan.deadLetters.length);
    b.openWindows.set(this.openSessions());
    m.transactions.inc();
    for (const [type, n] of Object.entries(plan.stats.byType)) m.events.inc({ event_type: type }, n);
    m.revenue.inc(plan.stats.revenueCents / 100);
    const lagged = this.lag.get(partition) ?? 0;
    m.lagSeconds.set(
      { partition: String(partition) },
      lagged > 0 ? Math.max(0, (this.now() - Number(ts)) / 1000) : 0,
    );
  }

  /** Idle partitions: advance the watermark by the wall clock and close the sessions it passes. */
  private async tick(): Promise<void> {
    const idleAfter = this.options.idleAfterMs ?? this.options.watermarkDelayMs;
    for (const [partition, entry] of [...this.partitions]) {
      if (!entry.caughtUp || entry.nextOffset === null) continue;
      const advanced = tickIdle(entry.state.watermark, this.now(), idleAfter);
      if (advanced === entry.state.watermark) continue;
      await this.locks.run(partition, async () => {
        if (this.partitions.get(partition) !== entry) return;
        const plan = planTick(entry.state, advanced, this.plannerOptions(partition));
        if (plan.closedSessions.length === 0) {
          entry.state = plan.next; // nothing to write: the clock is stored with the next batch
          return;
        }
        try {
          await this.options.sink.commit(partition, entry.nextOffset, entry.nextOffset!, plan);
          entry.state = plan.next;
        } catch (err) {
          if (!(err instanceof OffsetMoved)) throw err;
          this.partitions.delete(partition);
        }
      });
    }
  }
}
