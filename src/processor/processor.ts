import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { loopClients, PartitionLocks, runLoop, stopConsuming, totalOf } from './consumer-loop.js';
import { parseEvent, type ParseOptions } from '../events/event-schema.js';
import type { ProcessorMetrics } from './metrics.js';
import { decodeClock, encodeClock, tickIdle } from './watermark.js';
import {
  isSettled,
  planBatch,
  requiredKeys,
  type BatchPlan,
  type DecodedMessage,
  type PlannerOptions,
} from './batch-planner.js';
import { deadLetterMessage } from './dead-letter.js';
import { decodeAll } from './decoded.js';
import type { LiveBus } from './live-bus.js';
import { LivePublisher } from './live-publisher.js';
import { PartitionState } from './partition-state.js';
import { ClaimCache } from './claim-cache.js';
import { candidatesOf, judge, type Verdict } from './dedupe.js';
import { ContributionConflict, type ProcessorSink } from './sinks/sink.js';

export interface ProcessorOptions {
  kafka: Kafka;
  topic: string;
  dlqTopic: string;
  group: string;
  sink: ProcessorSink;
  windowMs: number;
  watermarkDelayMs: number;
  alertSeverities: readonly string[];
  /**
   * How long after its event time an event_id stays claimed by its first delivery (ms); copies within it
   * count once. 0 turns de-duplication off (exactness per Kafka offset only). Default 30 days.
   */
  dedupeHorizonMs?: number;
  /** Also send identical duplicates to the DLQ (reason `duplicate`); conflicting ones always go. */
  dlqDuplicates?: boolean;
  /** Claims remembered by this process (LRU); default 100 000. */
  claimCacheSize?: number;
  /** Where a group with no committed offset starts: the beginning (default) or only new messages. */
  fromBeginning?: boolean;
  metrics?: ProcessorMetrics;
  /** Told of each alert, window change and dead letter as it is written, and of the rates every second. */
  live?: LiveBus;
  /** How often the idle tick runs (ms); default min(5 s, delay / 4). */
  tickMs?: number;
  /** Silence after which a caught-up partition counts as idle (ms); default the watermark delay. */
  idleAfterMs?: number;
  /** Partitions processed at the same time by this member; default 8. */
  concurrency?: number;
  sessionTimeoutMs?: number;
  /** How often the member heartbeats (ms); default 3 s, never more than a third of the session timeout. */
  heartbeatIntervalMs?: number;
  /** Called when this member has joined a generation of the group, with the partitions it owns. */
  onGroupJoin?: (join: GroupJoin) => void;
  /** How long a rebalance waits for members to rejoin (ms); default 30 s. */
  rebalanceTimeoutMs?: number;
  parseOptions?: Omit<ParseOptions, 'now'>;
  /** Wall clock (tests may pass their own). */
  now?: () => number;
  onError?: (err: unknown) => void;
}

export interface GroupJoin {
  memberId: string;
  /** 1 for this member's first join, 2 after its first rebalance, … */
  join: number;
  isLeader: boolean;
  /** Partitions of the events topic this member owns in this generation. */
  partitions: number[];
}

export interface ProcessorTotals {
  consumed: number;
  valid: number;
  invalid: number;
  late: number;
  replayed: number;
  /** Identical copies of counted events, dropped. */
  duplicates: number;
  /** Copies with the same event_id and other content, sent to the DLQ. */
  conflicting: number;
  deadLetters: number;
  batches: number;
  conflicts: number;
  /** Claims decided by the cache, and by a request. */
  claimsCached: number;
  claimsSent: number;
}

export interface OpenWindowCounts {
  byCity: Record<string, number>;
  byType: Record<string, number>;
  bySeverity: Record<string, number>;
  windows: number;
}

export const DEFAULT_DEDUPE_HORIZON_MS = 30 * 86_400_000;
/** Claims sent between two heartbeats: eight transactions of 100, or 800 single puts. */
const CLAIM_CHUNK = 800;

/** How many times a batch is re-planned after conditional-write conflicts before the error surfaces. */
const MAX_CONFLICT_RETRIES = 5;

/**
 * The stream processor: one member of a kafkajs consumer group. Per batch of one partition it plans the
 * writes (pure), sends malformed and late messages to the DLQ and puts raw events and alerts, then applies
 * the offset-conditioned contribution updates, and only then commits the batch's offset, with the
 * partition's watermark clock as the commit metadata. Awaiting the writes inside eachBatch is the
 * back-pressure: kafkajs fetches no more for a partition until its batch returns.
 */
export class Processor {
  readonly totals: ProcessorTotals = {
    consumed: 0,
    valid: 0,
    invalid: 0,
    late: 0,
    replayed: 0,
    duplicates: 0,
    conflicting: 0,
    deadLetters: 0,
    batches: 0,
    conflicts: 0,
    claimsCached: 0,
    claimsSent: 0,
  };
  readonly lag = new Map<number, number>();
  private readonly states = new Map<number, PartitionState>();
  /** Serialises a partition's batches and idle ticks. */
  private readonly locks = new PartitionLocks();
  private readonly committed = new Map<number, string>();
  private readonly planner: PlannerOptions;
  private readonly now: () => number;
  private readonly horizonMs: number;
  /** A claim is a fact about the table, not about a partition: one cache serves every partition. */
  private readonly claims: ClaimCache;
  private consumer?: Consumer;
  private producer?: Producer;
  private admin?: Admin;
  private ticker?: NodeJS.Timeout;
  private readonly live?: LivePublisher;
  /** Counts group joins, so work started for one assignment is dropped when a newer one arrives. */
  private generation = 0;
  private stopping?: Promise<void>;
  private crashed?: (err: unknown) => void;
  /** Settles when the processor stops: resolves after a clean stop, rejects when the consumer crashed. */
  readonly done: Promise<void>;

  constructor(private readonly options: ProcessorOptions) {
    this.now = options.now ?? Date.now;
    this.planner = {
      windowMs: options.windowMs,
      watermarkDelayMs: options.watermarkDelayMs,
      alertSeverities: new Set(options.alertSeverities),
      dlqDuplicates: options.dlqDuplicates ?? false,
    };
    this.horizonMs = options.dedupeHorizonMs ?? DEFAULT_DEDUPE_HORIZON_MS;
    this.claims = new ClaimCache(options.claimCacheSize);
    if (options.live) this.live = new LivePublisher(options.live, options.topic, this.now);
    this.done = new Promise<void>((resolve, reject) => {
      this.crashed = reject;
      this.resolveDone = resolve;
    });
    this.done.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  }

  private resolveDone: () => void = () => {};

  async start(): Promise<void> {
    const { kafka, topic } = this.options;
    const clients = loopClients(kafka, this.options);
    ({ consumer: this.consumer, producer: this.producer, admin: this.admin } = clients);
    // A new generation may have moved partitions: forget what this member knew; items and commit
    // metadata are the truth and are read again on first touch.
    clients.consumer.on(clients.consumer.events.GROUP_JOIN, (event) => {
      this.states.clear();
      this.committed.clear();
      this.lag.clear();
      this.generation += 1;
      const assigned = event.payload.memberAssignment[topic] ?? [];
      const { memberId, isLeader } = event.payload;
      const partitions = [...assigned].sort((a, b) => a - b);
      this.options.onGroupJoin?.({ memberId, isLeader, join: this.generation, partitions });
      void this.adopt(assigned).catch((err: unknown) => this.options.onError?.(err));
    });
    await runLoop(clients, {
      topic,
      fromBeginning: this.options.fromBeginning,
      concurrency: this.options.concurrency ?? 8,
      locks: this.locks,
      eachBatch: (payload) => this.onBatch(payload),
      onCrash: (err) => this.crashed?.(err),
    });
    const tickMs = this.options.tickMs ?? Math.max(50, Math.min(5_000, this.options.watermarkDelayMs / 4));
    this.ticker = setInterval(() => void this.tick().catch((err) => this.options.onError?.(err)), tickMs);
    this.live?.startRates(this.totals, this.lag);
  }

  /** Finishes the batches in flight (they commit), leaves the group, and closes the clients. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.ticker) clearInterval(this.ticker);
      this.live?.stop();
      try {
        const { consumer, producer, admin, locks } = this;
        await stopConsuming({ consumer, producer, admin, locks });
      } finally {
        this.resolveDone();
      }
    })();
    return this.stopping;
  }

  /** Counts of the windows held open in memory, for the console view. */
  openWindowCounts(): OpenWindowCounts {
    const counts: OpenWindowCounts = { byCity: {}, byType: {}, bySeverity: {}, windows: 0 };
    for (const state of this.states.values()) {
      for (const { key, entry } of state.windows.values()) {
        if (!entry) continue;
        counts.windows += 1;
        const n = entry.counts.event_count ?? 0;
        counts.byCity[key.city] = (counts.byCity[key.city] ?? 0) + n;
        counts.byType[key.eventType] = (counts.byType[key.eventType] ?? 0) + n;
        for (const s of ['low', 'medium', 'high', 'critical'])
          if (entry.counts[s]) counts.bySeverity[s] = (counts.bySeverity[s] ?? 0) + (entry.counts[s] ?? 0);
      }
    }
    return counts;
  }

  totalLag(): number {
    return totalOf(this.lag);
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
    const parseOptions: ParseOptions = { ...this.options.parseOptions, now: this.now() };
    const decoded = decodeAll(batch.messages, (v) => parseEvent(v, parseOptions));

    let plan: BatchPlan | undefined;
    let state: PartitionState;
    for (let attempt = 0; ; attempt++) {
      state = await this.stateOf(partition);
      await this.restore(partition, state, decoded);
      // Claims are durable before anything of the batch is written: a crash after them replays the
      // same deliveries, whose claims pass again, so no event loses its count and none gains a second.
      const verdicts = await this.deduplicate(partition, decoded, state, heartbeat);
      plan = planBatch(
        decoded,
        state.view(),
        state.windows,
        state.watermark,
        this.planner,
        this.now(),
        verdicts,
      );
      try {
        await this.applyPlan(partition, plan);
        state.apply(plan);
        this.live?.windows(partition, plan);
        break;
      } catch (err) {
        if (!(err instanceof ContributionConflict) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        // Another member wrote one of our entries (a rebalance in flight): re-read and re-plan.
        this.totals.conflicts += 1;
        this.options.metrics?.dynamoRetries.inc();
        this.states.delete(partition);
        await heartbeat();
      }
    }

    const last = decoded[decoded.length - 1]!.offset;
    const next = String(last + 1);
    await commitOffsetsIfNecessary({
      topics: [
        {
          topic: batch.topic,
          partitions: [{ partition, offset: next, metadata: encodeClock(state.watermark) } as never],
        },
      ],
    });
    resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
    this.committed.set(partition, next);
    const lag = Math.max(0, Number(batch.highWatermark) - (last + 1));
    this.lag.set(partition, lag);
    state.caughtUp = lag === 0;
    this.record(plan, decoded, partition, lag, started);
    await heartbeat();
  }

  private record(
    plan: BatchPlan,
    decoded: DecodedMessage[],
    partition: number,
    lag: number,
    started: bigint,
  ) {
    const t = this.totals;
    t.batches += 1;
    t.consumed += decoded.length;
    t.valid += plan.stats.valid;
    t.invalid += plan.stats.invalid;
    t.late += plan.stats.late;
    t.replayed += plan.stats.replayed;
    t.duplicates += plan.stats.duplicates;
    t.conflicting += plan.stats.conflicting;
    t.deadLetters += plan.deadLetters.length;
    const m = this.options.metrics;
    if (!m) return;
    m.eventsIn.inc(decoded.length);
    m.written.inc(plan.rawEvents.length);
    m.late.inc(plan.stats.late);
    m.replayed.inc(plan.stats.replayed);
    if (plan.stats.duplicates) m.duplicates.inc({ kind: 'identical' }, plan.stats.duplicates);
    if (plan.stats.conflicting) m.duplicates.inc({ kind: 'conflicting' }, plan.stats.conflicting);
    m.dlq.inc(plan.deadLetters.length);
    for (const d of decoded) if (!d.parsed.ok) m.invalid.inc({ reason: d.parsed.reason });
    m.lag.set({ partition: String(partition) }, lag);
    m.openWindows.set([...this.states.values()].reduce((n, s) => n + s.windows.size, 0));
    m.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  /**
   * The verdicts of the batch's copies: each valid message not yet settled is judged by the claim of its
   * event_id, from the cache when this process knows it, otherwise by a conditional put (the first
   * occurrence in the batch claims; later ones are judged by its outcome).
   */
  private async deduplicate(
    partition: number,
    decoded: DecodedMessage[],
    state: PartitionState,
    heartbeat: () => Promise<void>,
  ): Promise<Map<number, Verdict>> {
    if (this.horizonMs <= 0) return new Map();
    const view = state.view();
    const candidates = candidatesOf(
      decoded,
      (m) => !isSettled(m, view, this.planner),
      { topic: this.options.topic, partition },
      this.horizonMs,
    );
    if (candidates.length === 0) return new Map();
    const nowSeconds = Math.floor(this.now() / 1000);
    const { verdicts, cached, sent } = await judge(candidates, this.claims, nowSeconds, async (claims) => {
      // A big batch's claims take a while (a round trip per 100, or per claim with `single`): the group
      // must not think us gone.
      const outcomes = [];
      for (let i = 0; i < claims.length; i += CLAIM_CHUNK) {
        outcomes.push(...(await this.options.sink.claimEvents(claims.slice(i, i + CLAIM_CHUNK), nowSeconds)));
        await heartbeat();
      }
      return outcomes;
    });
    this.totals.claimsCached += cached;
    this.totals.claimsSent += sent;
    return verdicts;
  }

  /** DLQ records and puts first, contributions after: see the replay rule in batch-planner. */
  private async applyPlan(partition: number, plan: BatchPlan): Promise<void> {
    const { sink, topic, dlqTopic } = this.options;
    await Promise.all([
      plan.deadLetters.length === 0
        ? undefined
        : this.producer!.send({
            topic: dlqTopic,
            acks: -1,
            messages: plan.deadLetters.map((d) => deadLetterMessage(topic, partition, d)),
          }),
      plan.rawEvents.length === 0 ? undefined : sink.putEvents(plan.rawEvents, plan.alerts),
    ]);
    // Alerts and dead letters are in their table and topic now: tell the console before the window
    // updates, which are slower. A batch re-planned after a conflict tells them again (at least once).
    this.live?.written(partition, plan);
    if (plan.windowWrites.length > 0 || plan.rollupWrites.length > 0)
      await sink.writeContributions(partition, plan.windowWrites, plan.rollupWrites);
  }

  /** The partition's state, created on the first batch after assignment from the committed metadata. */
  private async stateOf(partition: number): Promise<PartitionState> {
    const known = this.states.get(partition);
    if (known) return known;
    const offsets = await this.admin!.fetchOffsets({
      groupId: this.options.group,
      topics: [this.options.topic],
    });
    const entry = offsets[0]?.partitions.find((p) => p.partition === partition);
    const state = new PartitionState(this.now(), decodeClock(entry?.metadata));
    if (entry && Number(entry.offset) >= 0) this.committed.set(partition, entry.offset);
    const range = state.openWindowRange(this.options.windowMs, this.options.watermarkDelayMs);
    if (range) {
      for (const { key, entry: open } of await this.options.sink.openWindows(partition, range)) {
        state.restoreWindow(`${key.city}#${key.eventType}@${key.window.startMs}`, key, open);
      }
    }
    this.states.set(partition, state);
    return state;
  }

  /**
   * Restores the state of newly assigned partitions without waiting for a message, so the idle tick can
   * close the windows a previous owner left open on a partition whose stream has stopped.
   */
  private async adopt(partitions: number[]): Promise<void> {
    const generation = this.generation;
    if (partitions.length === 0) return;
    const ends = await this.admin!.fetchTopicOffsets(this.options.topic);
    for (const partition of partitions) {
      await this.locks.run(partition, async () => {
        // A batch came first, or a newer generation has its own assignment.
        if (this.states.has(partition) || generation !== this.generation) return;
        const state = await this.stateOf(partition);
        const end = Number(ends.find((e) => e.partition === partition)?.high ?? 0);
        const lag = Math.max(0, end - Number(this.committed.get(partition) ?? 0));
        if (this.states.get(partition) !== state) return;
        this.lag.set(partition, lag);
        state.caughtUp = lag === 0;
      });
    }
  }

  /** Reads the contributions of keys this member has not seen since assignment. */
  private async restore(partition: number, state: PartitionState, decoded: DecodedMessage[]): Promise<void> {
    const keys = requiredKeys(decoded, this.planner);
    const windowIds = state.missingWindows(keys.windows.keys());
    const rollupIds = state.missingRollups(keys.rollups.keys());
    const [windows, rollups] = await Promise.all([
      windowIds.length
        ? this.options.sink.readWindows(
            partition,
            windowIds.map((id) => keys.windows.get(id)!),
          )
        : [],
      rollupIds.length
        ? this.options.sink.readRollups(
            partition,
            rollupIds.map((id) => keys.rollups.get(id)!),
          )
        : [],
    ]);
    windowIds.forEach((id, i) => state.restoreWindow(id, keys.windows.get(id)!, windows[i] ?? null));
    rollupIds.forEach((id, i) => state.restoreRollup(id, keys.rollups.get(id)!, rollups[i] ?? null));
  }

  /**
   * The wall-clock tick: a caught-up partition that has been silent longer than the idle time gets its
   * watermark advanced; windows that become final are written as such and the clock is committed with
   * the same offset, so a restart keeps them closed.
   */
  private async tick(): Promise<void> {
    const idleAfter = this.options.idleAfterMs ?? this.options.watermarkDelayMs;
    for (const [partition, state] of [...this.states]) {
      if (!state.caughtUp) continue;
      const advanced = tickIdle(state.watermark, this.now(), idleAfter);
      if (advanced === state.watermark) continue;
      await this.locks.run(partition, async () => {
        if (this.states.get(partition) !== state) return; // reassigned meanwhile
        const plan = planBatch([], state.view(), state.windows, advanced, this.planner, this.now());
        if (plan.windowWrites.length > 0)
          await this.options.sink.writeContributions(partition, plan.windowWrites, []);
        state.apply(plan);
        this.live?.windows(partition, plan);
        const offset = this.committed.get(partition);
        if (offset !== undefined && plan.finalWindows.length > 0)
          await this.consumer!.commitOffsets([
            { topic: this.options.topic, partition, offset, metadata: encodeClock(state.watermark) },
          ]);
      });
    }
  }
}
