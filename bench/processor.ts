/**
 * Processor throughput and end-to-end latency, side by side in one run
 * (`npx tsx bench/processor.ts [N] [ROUNDS]`).
 *
 * One pre-filled topic of N events (default 20 000) in the embedded broker, consumed by fresh consumer
 * groups, each into fresh tables of the embedded DynamoDB (dynalite in its own process, as `up` runs it):
 *   1. bare kafkajs consumption, no processing — the ceiling the broker and client allow;
 *   2. citystream's processor with `--sink none` — the compute cost alone (parse, windows, rollups, DLQ);
 *   (1 and 2 read a second topic of 5 × N events: N of them take either ~0.2 s, most of it the group's
 *   join and the processor's start, which would make their ratio one of start-up times, not of rates;)
 *   3. citystream's processor into the embedded DynamoDB, its writes recorded (de-duplication on, the
 *      default: one conditional claim per new event_id, up to 100 in a TransactWriteItems);
 *   3b. the same with `--dedupe-claims single`: one conditional PutItem per claim;
 *   4. the endpoint's own write capacity for the processor's writes: the recorded puts and contributions
 *      replayed, no Kafka, no claims (the item mix of 4c);
 *   4b. the same with the recorded claims replayed too: the item mix of (3);
 *   4c. the processor with de-duplication off (`--dedupe-horizon 0`): the item mix of (4) without claims;
 *   5. the seed's design: one PutItem per event (and per alert), awaited one message at a time per partition;
 *   6–7. the processor (claims in transactions, single, and none) and the seed's design through a TCP
 *        proxy that adds a 10 ms round trip (the AWS case: a writer bound by latency, not by the
 *        endpoint's CPU).
 * With ROUNDS > 1 (default 1) the whole list runs that many times, round after round, and each figure is
 * the median of its rounds: the same variant varied by a third from one minute to the next on this
 * shared 2-core machine (CPU per event too), and rounds interleave the variants so that a slow minute
 * falls on all of them. Each round replays the writes its own processor run recorded.
 * Then end-to-end latency at a steady rate: produce → alert visible in the REST API (p50/p99).
 * The broker, the API and the consumers run in this process; dynalite in a child process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Config } from '../src/config/settings.js';
import { startApi } from '../src/api/server.js';
import { createDynamoClient } from '../src/clients/dynamodb.js';
import { startEmbeddedDynamo } from '../src/clients/embedded-dynamodb.js';
import type { CityEvent } from '../src/events/event.js';
import { parseEvent } from '../src/events/event-schema.js';
import { EventGenerator, steppedClock } from '../src/events/generator.js';
import { alertItem, rawEventItem } from '../src/store/items.js';
import type { RollupWrite, WindowWrite } from '../src/processor/batch-planner.js';
import { dynamoSink } from '../src/processor/sinks/dynamodb-sink.js';
import type { ProcessorSink } from '../src/processor/sinks/sink.js';
import type { Claim } from '../src/store/claim-writer.js';
import { startPipelineProcessor } from '../src/processor/start-processor.js';
import { runBounded } from '../src/store/batch-writer.js';
import { tableNames } from '../src/store/table-definitions.js';
import { createTables } from '../src/store/tables.js';
import { sendAll, startPipelineStack, waitForZeroLag } from '../test/e2e/pipeline-stack.js';
import { startLatencyProxy } from './support/latency-proxy.js';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Math.max(1, Number(process.argv[3] ?? 1));
const LATENCY_RATE = 20; // events per second
const LATENCY_SECONDS = 20;
const PARTITIONS = 6;
const RTT_MS = 10; // the proxied variants: a round trip to DynamoDB in the same AWS region
const LONG_N = 5 * N; // the events of the topic the two fast variants read
const LONG_TOPIC = 'bench-long';
const POLL_MS = 20; // how often the end of a run is looked for (the group's lag)

const stack = await startPipelineStack({ partitions: PARTITIONS });
const base = stack.config;
const generator = new EventGenerator({
  seed: 'bench',
  clock: steppedClock(Date.now() - 3 * 3_600_000, 100), // 10 events/s of event time
  severityMix: 'realistic',
});
const t0 = Date.now();
await sendAll(stack.kafka, base.topic, generator.take(N));
console.log(`pre-filled ${base.topic} with ${N} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
await sendAll(
  stack.kafka,
  LONG_TOPIC,
  new EventGenerator({
    seed: 'bench-long',
    clock: steppedClock(Date.now() - 15 * 3_600_000, 100),
    severityMix: 'realistic',
  }).take(LONG_N),
);

let run = 0;
/**
 * A fresh consumer group and a fresh embedded DynamoDB (its own LevelDB, so no variant pays for the
 * data or the compaction debt of the ones before it), optionally behind the latency proxy.
 */
async function variantConfig(rttMs = 0, topic = base.topic): Promise<Config & { dynamoPid: number }> {
  run += 1;
  const dynamo = await startEmbeddedDynamo({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(stack.dir, `v${run}`),
  });
  const proxy =
    rttMs > 0 ? await startLatencyProxy({ host: '127.0.0.1', port: dynamo.port }, rttMs) : undefined;
  const config = {
    ...base,
    topic,
    endpoint: proxy?.endpoint ?? dynamo.endpoint,
    group: `bench-${run}`,
    prefix: `${base.prefix}b${run}-`,
    dlqTopic: `dlq-${run}`,
    dynamoPid: dynamo.pid,
  };
  const client = createDynamoClient(config);
  await createTables(client, { prefix: config.prefix, billing: { mode: 'on-demand' } });
  client.destroy();
  closeLater.push(async () => {
    await proxy?.close();
    await dynamo.close();
  });
  return config;
}
const closeLater: Array<() => Promise<void>> = [];

/** User + system CPU time of a process, ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function timed(
  name: string,
  body: (config: Config) => Promise<void>,
  options: { untilZeroLag: boolean; rttMs: number; long: boolean },
) {
  const config = await variantConfig(options.rttMs, options.long ? LONG_TOPIC : base.topic);
  const events = options.long ? LONG_N : N;
  const start = performance.now();
  const cpu = { dynamo: cpuMs(config.dynamoPid), bench: process.cpuUsage() };
  await body(config);
  if (options.untilZeroLag) await waitForZeroLag(stack.kafka, config.group, config.topic, 1_800_000, POLL_MS);
  const seconds = (performance.now() - start) / 1000;
  // The wall-clock rate is bound by whichever process runs out of CPU (or by round trips); CPU ms/event
  // says which one it is. It moves less with other load than the wall clock, but it moves too (rounds).
  const benchCpu = process.cpuUsage(cpu.bench);
  const result = {
    name,
    seconds,
    perSecond: events / seconds,
    dynamoCpuMs: (cpuMs(config.dynamoPid) - cpu.dynamo) / events,
    benchCpuMs: (benchCpu.user + benchCpu.system) / 1000 / events,
  };
  console.log(
    `${name.padEnd(48)} ${seconds.toFixed(2).padStart(8)} s ${result.perSecond.toFixed(0).padStart(8)} events/s   CPU ms/event: dynamo ${result.dynamoCpuMs.toFixed(3)}, this process ${result.benchCpuMs.toFixed(3)}`,
  );
  return result;
}

/** A consumer group that commits after each batch, doing `work` per batch. */
async function consumeAll(
  config: Config,
  each: (partition: number, values: Array<Buffer | null>, heartbeat: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const consumer = stack.kafka.consumer({ groupId: config.group, maxBytesPerPartition: 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: [config.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      await each(
        batch.partition,
        batch.messages.map((m) => m.value),
        heartbeat,
      );
      const last = batch.messages[batch.messages.length - 1];
      if (!last) return;
      resolveOffset(last.offset);
      await commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: String(Number(last.offset) + 1) }],
          },
        ],
      });
    },
  });
  stopLater.push(() => consumer.disconnect());
}
const stopLater: Array<() => Promise<void>> = [];
async function stopAll() {
  for (const stop of stopLater.splice(0)) await stop();
  for (const close of closeLater.splice(0)) await close();
}

/** The processor's sink calls, recorded so the same writes can be replayed without Kafka. */
type Recorded =
  | { kind: 'claims'; claims: Claim[]; nowSeconds: number }
  | { kind: 'put'; rawEvents: CityEvent[]; alerts: CityEvent[] }
  | { kind: 'contributions'; partition: number; windows: WindowWrite[]; rollups: RollupWrite[] };

function recording(sink: ProcessorSink, log: Recorded[]): ProcessorSink {
  return {
    ...sink,
    async claimEvents(claims, nowSeconds) {
      log.push({ kind: 'claims', claims, nowSeconds });
      return sink.claimEvents(claims, nowSeconds);
    },
    async putEvents(rawEvents, alerts) {
      log.push({ kind: 'put', rawEvents, alerts });
      await sink.putEvents(rawEvents, alerts);
    },
    async writeContributions(partition, windows, rollups) {
      log.push({ kind: 'contributions', partition, windows, rollups });
      await sink.writeContributions(partition, windows, rollups);
    },
  };
}

/**
 * citystream's processor into the variant's DynamoDB, optionally recording its writes; `dedupe: false`
 * runs it as `--dedupe-horizon 0` (exactness per offset only, no claim per event), `claims: 'single'`
 * as `--dedupe-claims single`.
 */
function processorInto(
  log?: Recorded[],
  options: { dedupe?: boolean; claims?: Config['dedupeClaims'] } = {},
) {
  return async (variantConfig: Config) => {
    const config = {
      ...variantConfig,
      ...(options.dedupe === false ? { dedupeHorizonHours: 0 } : {}),
      ...(options.claims ? { dedupeClaims: options.claims } : {}),
    };
    const dynamo = await dynamoSink(config);
    const sink = log ? recording(dynamo, log) : dynamo;
    const running = await startPipelineProcessor(config, { sink: 'none', overrides: { sink } });
    stopLater.push(async () => {
      await running.stop();
      await dynamo.close();
    });
  };
}

/**
 * The endpoint's own write capacity for the processor's item mix: the recorded writes of a processor
 * run replayed into fresh tables with no Kafka and no processing — every put batch at once (bounded),
 * each partition's contribution updates in their order (they are conditioned on the previous ones),
 * and with `claims`, every claim call too (bounded like the processor's partitions; fresh tables, so
 * each wins, as it did in the run).
 */
async function replay(config: Config, log: readonly Recorded[], options: { claims: boolean }): Promise<void> {
  const sink = await dynamoSink(config);
  const claims = options.claims ? log.filter((r) => r.kind === 'claims') : [];
  const puts = log.filter((r) => r.kind === 'put');
  const byPartition = new Map<number, Array<Extract<Recorded, { kind: 'contributions' }>>>();
  for (const r of log) {
    if (r.kind !== 'contributions') continue;
    byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  }
  await Promise.all([
    // As many claim calls at once as the processor has partitions in hand; its client holds them all
    // to 32 requests in flight.
    runBounded(claims, 8, async (r) => void (await sink.claimEvents(r.claims, r.nowSeconds))),
    // Two put calls at a time (16 requests in flight): more only adds contention in dynalite.
    runBounded(puts, 2, (r) => sink.putEvents(r.rawEvents, r.alerts)),
    ...[...byPartition.values()].map(async (writes) => {
      for (const w of writes) await sink.writeContributions(w.partition, w.windows, w.rollups);
    }),
  ]);
  await sink.close();
}

/** The seed's Spark ForeachWriter.process: one row at a time, one synchronous put per row (and alert). */
function seedDesign() {
  return async (c: Config) => {
    const client = createDynamoClient(c);
    stopLater.push(async () => client.destroy());
    const tables = tableNames(c.prefix);
    const severe = new Set(c.alertSeverities);
    await consumeAll(c, async (_p, values, heartbeat) => {
      for (const value of values) {
        // A slow batch must not outlive the session (a rebalance would replay it); the executor of a
        // Spark task has no such limit, so the seed's design gets the heartbeats it needs.
        await heartbeat();
        const parsed = parseEvent(value);
        if (!parsed.ok) continue;
        const item = rawEventItem(parsed.event, { ttlDays: c.ttlDays });
        await client.send(
          new PutItemCommand({
            TableName: tables.rawEvents,
            Item: marshall(item, { removeUndefinedValues: true }),
          }),
        );
        if (severe.has(parsed.event.severity))
          await client.send(
            new PutItemCommand({
              TableName: tables.alerts,
              Item: marshall(alertItem(parsed.event, { ttlDays: c.ttlDays }), {
                removeUndefinedValues: true,
              }),
            }),
          );
      }
    });
  };
}

const results: Array<{ name: string; seconds: number; perSecond: number; dynamoCpuMs: number }> = [];
async function variant(
  name: string,
  body: (config: Config) => Promise<void>,
  options: { untilZeroLag?: boolean; rttMs?: number; long?: boolean } = {},
) {
  const result = await timed(name, body, {
    untilZeroLag: options.untilZeroLag ?? true,
    rttMs: options.rttMs ?? 0,
    long: options.long ?? false,
  });
  results.push(result);
  await stopAll();
  return result.perSecond;
}

interface Variant {
  name: string;
  body: (config: Config, log: Recorded[]) => Promise<void>;
  untilZeroLag?: boolean;
  rttMs?: number;
  /** Reads the topic of LONG_N events. */
  long?: boolean;
}
const far = { rttMs: RTT_MS };
const VARIANTS = {
  bare: {
    name: 'bare kafkajs consumption (ceiling)',
    body: (c) => consumeAll(c, async () => {}),
    long: true,
  },
  none: {
    name: 'citystream processor, --sink none',
    long: true,
    body: async (c) => {
      const running = await startPipelineProcessor(c, { sink: 'none' });
      stopLater.push(() => running.stop());
    },
  },
  ours: { name: 'citystream processor → embedded DynamoDB', body: (c, log) => processorInto(log)(c) },
  capacity: {
    name: 'endpoint capacity: same writes, no Kafka, no claims',
    body: (c, log) => replay(c, log, { claims: false }),
    untilZeroLag: false,
  },
  capacityWithClaims: {
    name: 'endpoint capacity: same writes and claims, no Kafka',
    body: (c, log) => replay(c, log, { claims: true }),
    untilZeroLag: false,
  },
  oursSingle: {
    name: 'processor, claims one PutItem each (--dedupe-claims single)',
    body: (c) => processorInto(undefined, { claims: 'single' })(c),
  },
  oursNoDedupe: {
    name: 'processor, de-duplication off (--dedupe-horizon 0)',
    body: (c) => processorInto(undefined, { dedupe: false })(c),
  },
  seed: { name: "seed's design: one PutItem per event", body: (c) => seedDesign()(c) },
  oursFar: { name: `processor, +${RTT_MS} ms round trip`, body: (c) => processorInto()(c), ...far },
  oursFarSingle: {
    name: `processor, claims one PutItem each, +${RTT_MS} ms round trip`,
    body: (c) => processorInto(undefined, { claims: 'single' })(c),
    ...far,
  },
  oursFarNoDedupe: {
    name: `processor, de-duplication off, +${RTT_MS} ms round trip`,
    body: (c) => processorInto(undefined, { dedupe: false })(c),
    ...far,
  },
  seedFar: { name: `seed's design, +${RTT_MS} ms round trip`, body: (c) => seedDesign()(c), ...far },
} satisfies Record<string, Variant>;
type VariantKey = keyof typeof VARIANTS;

const rates = new Map<VariantKey, number[]>();
let writes: Recorded[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
  const log: Recorded[] = [];
  if (round === 1) writes = log;
  for (const [key, v] of Object.entries(VARIANTS) as Array<[VariantKey, Variant]>) {
    const perSecond = await variant(v.name, (c) => v.body(c, log), v);
    rates.set(key, [...(rates.get(key) ?? []), perSecond]);
  }
}
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const rate = (key: VariantKey) => median(rates.get(key)!);
{
  const puts = writes.filter((w) => w.kind === 'put');
  const updates = writes.reduce(
    (n, w) => n + (w.kind === 'contributions' ? w.windows.length + w.rollups.length : 0),
    0,
  );
  const items = puts.reduce((n, w) => n + w.rawEvents.length + w.alerts.length, 0);
  const claims = writes.reduce((n, w) => n + (w.kind === 'claims' ? w.claims.length : 0), 0);
  console.log(
    `the processor's writes: ${puts.length} batches, ${items} raw events and alerts (~${Math.ceil(items / 25)} BatchWriteItem), ${updates} window/rollup UpdateItems (${((updates / N) * 1000).toFixed(1)} per 1 000 events), ${claims} claims (in transactions of up to 100)`,
  );
}
if (ROUNDS > 1) {
  console.log(`\nmedians of ${ROUNDS} rounds, events/s (and each round's):`);
  for (const [key, v] of Object.entries(VARIANTS) as Array<[VariantKey, Variant]>)
    console.log(
      `  ${v.name.padEnd(62)} ${rate(key).toFixed(0).padStart(7)}   (${rates
        .get(key)!
        .map((r) => r.toFixed(0))
        .join(', ')})`,
    );
}
const bare = rate('bare');
const none = rate('none');
const ours = rate('ours');
const capacity = rate('capacity');
const capacityWithClaims = rate('capacityWithClaims');
const oursSingle = rate('oursSingle');
const oursNoDedupe = rate('oursNoDedupe');
const seed = rate('seed');
const oursFar = rate('oursFar');
const oursFarSingle = rate('oursFarSingle');
const oursFarNoDedupe = rate('oursFarNoDedupe');
const seedFar = rate('seedFar');

// End-to-end latency: the processor keeps up with a steady stream; a poller watches the API's alerts.
const latencyConfig = { ...(await variantConfig()), topic: 'latency-events' };
const latencyClient = createDynamoClient(latencyConfig);
const running = await startPipelineProcessor(latencyConfig, { sink: 'dynamodb' });
const api = await startApi({ client: latencyClient, config: latencyConfig, host: '127.0.0.1', port: 0 });
const live = new EventGenerator({ seed: 'latency', severityMix: 'realistic' });
const sentAt = new Map<string, number>();
const seenAt = new Map<string, number>();
let polling = true;
const poller = (async () => {
  while (polling) {
    const res = await fetch(`${api.url}/api/v1/alerts?hours=1&limit=1000`);
    const doc = (await res.json()) as { items: Array<{ event_id: string }> };
    const now = performance.now();
    for (const a of doc.items) if (!seenAt.has(a.event_id)) seenAt.set(a.event_id, now);
    await new Promise((r) => setTimeout(r, 20));
  }
})();
const producer = stack.kafka.producer();
await producer.connect();
const total = LATENCY_RATE * LATENCY_SECONDS;
const startedAt = performance.now();
for (let i = 0; i < total; i++) {
  const due = startedAt + (i * 1000) / LATENCY_RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const m = live.next();
  if (parseEvent(m.value).ok && latencyConfig.alertSeverities.includes(m.event.severity))
    sentAt.set(m.event.event_id, performance.now());
  await producer.send({ topic: latencyConfig.topic, acks: -1, messages: [{ key: m.key, value: m.value }] });
}
const deadline = performance.now() + 30_000;
while ([...sentAt.keys()].some((id) => !seenAt.has(id)) && performance.now() < deadline)
  await new Promise((r) => setTimeout(r, 100));
polling = false;
await poller;
const latencies = [...sentAt]
  .filter(([id]) => seenAt.has(id))
  .map(([id, t]) => seenAt.get(id)! - t)
  .sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
console.log(
  `end-to-end produce → alert in API at ${LATENCY_RATE}/s: ${latencies.length}/${sentAt.size} alerts seen; p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`,
);
await producer.disconnect();
await api.close();
await running.stop();
latencyClient.destroy();
await stopAll();

console.log(
  [
    '',
    `ratios: processor / seed ${(ours / seed).toFixed(1)}×; processor / endpoint capacity for its writes and claims ${(ours / capacityWithClaims).toFixed(2)};`,
    `        --sink none / bare kafkajs ${(none / bare).toFixed(2)}; processor / bare kafkajs ${(ours / bare).toFixed(3)};`,
    `        +${RTT_MS} ms round trip: processor / seed ${(oursFar / seedFar).toFixed(1)}×`,
    `        claims one PutItem each: processor / seed ${(oursSingle / seed).toFixed(1)}×; +${RTT_MS} ms: ${(oursFarSingle / seedFar).toFixed(1)}×`,
    `        de-duplication off: processor / seed ${(oursNoDedupe / seed).toFixed(1)}×, / endpoint capacity ${(oursNoDedupe / capacity).toFixed(2)}; +${RTT_MS} ms: ${(oursFarNoDedupe / seedFar).toFixed(1)}×`,
    `        dynamo CPU per event, seed / processor ${(cpuOf("seed's design: one") / cpuOf('citystream processor →')).toFixed(1)}× (the most batching can gain where dynalite's CPU is the bound)`,
  ].join('\n'),
);
function cpuOf(prefix: string): number {
  return median(results.filter((r) => r.name.startsWith(prefix)).map((r) => r.dynamoCpuMs));
}
const { loadavg, cpus } = await import('node:os');
console.log(
  `machine: ${cpus().length} cores, ${cpus()[0]?.model}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
await stack.stop();
process.exit(0);
