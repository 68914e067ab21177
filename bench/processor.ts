/**
 * Processor throughput and end-to-end latency, side by side in one run (`npx tsx bench/processor.ts [N]`).
 *
 * One pre-filled topic of N events (default 20 000) in the embedded broker, consumed by fresh consumer
 * groups, each into fresh dynalite tables:
 *   1. bare kafkajs consumption, no processing — the ceiling the broker and client allow;
 *   2. citystream's processor with `--sink none` — the compute cost alone (parse, windows, rollups, DLQ);
 *   3. citystream's processor into dynalite;
 *   4. the seed's design: one PutItem per event (and per alert), awaited one message at a time per partition.
 * Then end-to-end latency at a steady rate: produce → alert visible in the REST API (p50/p99).
 * The broker, dynalite, the API and the consumers all run in this one process on the same cores.
 *
 * `npx tsx bench/processor.ts [N] --dedupe` runs only the de-duplication comparison, side by side: the
 * processor into dynalite with de-duplication off (`--dedupe-horizon 0`), on with 0% duplicates, and on
 * with 10% duplicates (N messages each; two thirds of the copies are producer retries in the same
 * partition, one third identical copies under another key, so in another partition).
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Config } from '../src/config/settings.js';
import { startApi } from '../src/api/server.js';
import { parseEvent } from '../src/events/event-schema.js';
import { EventGenerator, steppedClock } from '../src/events/generator.js';
import { Prng } from '../src/events/prng.js';
import { alertItem, rawEventItem } from '../src/store/items.js';
import { startPipelineProcessor } from '../src/processor/start-processor.js';
import { tableNames } from '../src/store/table-definitions.js';
import { createTables } from '../src/store/tables.js';
import { sendAll, startPipelineStack, waitForZeroLag } from '../test/e2e/pipeline-stack.js';

const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20_000);
const DEDUPE_ONLY = process.argv.includes('--dedupe');
const LATENCY_RATE = 20; // events per second
const LATENCY_SECONDS = 20;
const PARTITIONS = 6;

const stack = await startPipelineStack({ partitions: PARTITIONS });
const base = stack.config;
const generator = new EventGenerator({
  seed: 'bench',
  clock: steppedClock(Date.now() - 3 * 3_600_000, 100), // 10 events/s of event time
  severityMix: 'realistic',
});
const t0 = Date.now();
const stream = generator.take(N);
if (!DEDUPE_ONLY) await sendAll(stack.kafka, base.topic, stream);
console.log(`pre-filled ${base.topic} with ${N} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

let run = 0;
async function variantConfig(): Promise<Config> {
  run += 1;
  const config = { ...base, group: `bench-${run}`, prefix: `${base.prefix}b${run}-`, dlqTopic: `dlq-${run}` };
  await createTables(stack.client, { prefix: config.prefix, billing: { mode: 'on-demand' } });
  return config;
}

async function timed(name: string, body: (config: Config) => Promise<void>, topic = base.topic) {
  const config = { ...(await variantConfig()), topic };
  const start = performance.now();
  await body(config);
  await waitForZeroLag(stack.kafka, config.group, config.topic, 1_800_000);
  const seconds = (performance.now() - start) / 1000;
  const result = { name, seconds, perSecond: N / seconds };
  console.log(
    `${name.padEnd(44)} ${seconds.toFixed(2).padStart(8)} s ${result.perSecond.toFixed(0).padStart(8)} events/s`,
  );
  return result;
}

/** A consumer group that commits after each batch, doing `work` per batch. */
async function consumeAll(
  config: Config,
  each: (partition: number, values: Array<Buffer | null>) => Promise<void>,
): Promise<void> {
  const consumer = stack.kafka.consumer({ groupId: config.group, maxBytesPerPartition: 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: [config.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      await each(
        batch.partition,
        batch.messages.map((m) => m.value),
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
}

if (DEDUPE_ONLY) {
  // The same N messages per topic: unique events, and 10% copies of events sent shortly before.
  const random = new Prng('bench copies');
  const withCopies: Array<{ key: string; value: string }> = [];
  for (const m of generator.take(N)) {
    if (withCopies.length >= N) break;
    withCopies.push(m);
    if (random.next() >= 0.1 / 0.9 || withCopies.length >= N) continue;
    const source = withCopies[Math.max(0, withCopies.length - 1 - Math.floor(random.next() * 500))]!;
    withCopies.push({
      key: random.next() < 2 / 3 ? source.key : `elsewhere-${withCopies.length}`,
      value: source.value,
    });
  }
  await sendAll(stack.kafka, 'unique-events', stream);
  await sendAll(stack.kafka, 'ten-percent-copies', withCopies.slice(0, N));
  const variants = [
    { name: 'de-duplication off (--dedupe-horizon 0), 0% copies', topic: 'unique-events', horizon: 0 },
    { name: 'de-duplication on, 0% copies', topic: 'unique-events', horizon: undefined },
    { name: 'de-duplication on, 10% copies', topic: 'ten-percent-copies', horizon: undefined },
  ];
  const rows = [];
  for (const v of variants) {
    let totals: Record<string, number> = {};
    const r = await timed(
      v.name,
      async (c) => {
        const running = await startPipelineProcessor(
          { ...c, dedupeHorizonHours: v.horizon },
          { sink: 'dynamodb' },
        );
        totals = running.processor.totals as unknown as Record<string, number>;
        stopLater.push(() => running.stop());
      },
      v.topic,
    );
    await stopAll();
    rows.push({ ...r, totals: { ...totals } });
  }
  for (const r of rows)
    console.log(
      `${r.name}: ${r.perSecond.toFixed(0)} events/s; valid ${r.totals.valid}, duplicates ${r.totals.duplicates}, ` +
        `claims sent ${r.totals.claimsSent}, answered by the cache ${r.totals.claimsCached}`,
    );
  console.log(
    `10% copies / 0% copies: ${(rows[2]!.perSecond / rows[1]!.perSecond).toFixed(3)}; on / off: ${(rows[1]!.perSecond / rows[0]!.perSecond).toFixed(3)}`,
  );
  const { loadavg, cpus } = await import('node:os');
  console.log(
    `machine: ${cpus().length} cores, ${cpus()[0]?.model}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
  await stack.stop();
  process.exit(0);
}

const results = [];
results.push(await timed('bare kafkajs consumption (ceiling)', (c) => consumeAll(c, async () => {})));
await stopAll();

for (const sink of ['none', 'dynamodb'] as const) {
  results.push(
    await timed(`citystream processor, --sink ${sink}`, async (c) => {
      const running = await startPipelineProcessor(c, { sink });
      stopLater.push(() => running.stop());
    }),
  );
  await stopAll();
}

results.push(
  await timed("seed's design: one PutItem per event", async (c) => {
    const tables = tableNames(c.prefix);
    const severe = new Set(c.alertSeverities);
    await consumeAll(c, async (_p, values) => {
      // Spark's ForeachWriter.process: one row at a time, one synchronous put per row (and per alert).
      for (const value of values) {
        const parsed = parseEvent(value);
        if (!parsed.ok) continue;
        const item = rawEventItem(parsed.event, { ttlDays: c.ttlDays });
        await stack.client.send(
          new PutItemCommand({
            TableName: tables.rawEvents,
            Item: marshall(item, { removeUndefinedValues: true }),
          }),
        );
        if (severe.has(parsed.event.severity))
          await stack.client.send(
            new PutItemCommand({
              TableName: tables.alerts,
              Item: marshall(alertItem(parsed.event, { ttlDays: c.ttlDays }), {
                removeUndefinedValues: true,
              }),
            }),
          );
      }
    });
  }),
);
await stopAll();

// End-to-end latency: the processor keeps up with a steady stream; a poller watches the API's alerts.
const latencyConfig = { ...(await variantConfig()), topic: 'latency-events' };
const running = await startPipelineProcessor(latencyConfig, { sink: 'dynamodb' });
const api = await startApi({ client: stack.client, config: latencyConfig, host: '127.0.0.1', port: 0 });
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

const ceiling = results[0]!.perSecond;
const ours = results.find((r) => r.name.includes('dynamodb'))!.perSecond;
const seed = results.at(-1)!.perSecond;
console.log(
  `\nratios: processor/ceiling ${(ours / ceiling).toFixed(3)}, processor/seed ${(ours / seed).toFixed(1)}×, sink none/ceiling ${(results[1]!.perSecond / ceiling).toFixed(2)}`,
);
const { loadavg, cpus } = await import('node:os');
console.log(
  `machine: ${cpus().length} cores, ${cpus()[0]?.model}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
await stack.stop();
process.exit(0);
