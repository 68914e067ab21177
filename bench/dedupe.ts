/**
 * De-duplication's cost, side by side in one run (`npx tsx bench/dedupe.ts [N]`): the processor into the
 * embedded DynamoDB with de-duplication off (`--dedupe-horizon 0`), on with 0% copies, and on with 10%
 * copies (N messages each; two thirds of the copies are producer retries in the same partition, one third
 * identical copies under another key, so in another partition). Each variant is a fresh consumer group
 * writing fresh tables.
 */
import { cpus, loadavg } from 'node:os';
import type { Config } from '../src/config/settings.js';
import { EventGenerator, steppedClock } from '../src/events/generator.js';
import { Prng } from '../src/events/prng.js';
import { startPipelineProcessor } from '../src/processor/start-processor.js';
import { createTables } from '../src/store/tables.js';
import { sendAll, startPipelineStack, waitForZeroLag } from '../test/e2e/pipeline-stack.js';

const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5_000);
const stack = await startPipelineStack({ partitions: 6 });
const generator = new EventGenerator({
  seed: 'bench',
  clock: steppedClock(Date.now() - 3 * 3_600_000, 100), // 10 events/s of event time
  severityMix: 'realistic',
});
const unique = generator.take(N);
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
await sendAll(stack.kafka, 'unique-events', unique);
await sendAll(stack.kafka, 'ten-percent-copies', withCopies.slice(0, N));

const variants = [
  { name: 'de-duplication off (--dedupe-horizon 0), 0% copies', topic: 'unique-events', horizon: 0 },
  { name: 'de-duplication on, 0% copies', topic: 'unique-events', horizon: undefined },
  { name: 'de-duplication on, 10% copies', topic: 'ten-percent-copies', horizon: undefined },
];
const rows: Array<{ name: string; perSecond: number; totals: Record<string, number> }> = [];
for (const [i, v] of variants.entries()) {
  const config: Config = {
    ...stack.config,
    topic: v.topic,
    group: `dedupe-bench-${i}`,
    prefix: `${stack.config.prefix}d${i}-`,
    dlqTopic: `dedupe-dlq-${i}`,
    dedupeHorizonHours: v.horizon,
  };
  await createTables(stack.client, { prefix: config.prefix, billing: { mode: 'on-demand' } });
  const start = performance.now();
  const running = await startPipelineProcessor(config, { sink: 'dynamodb' });
  await waitForZeroLag(stack.kafka, config.group, config.topic, 1_800_000);
  const perSecond = N / ((performance.now() - start) / 1000);
  rows.push({
    name: v.name,
    perSecond,
    totals: { ...(running.processor.totals as unknown as Record<string, number>) },
  });
  await running.stop();
  console.log(`${v.name.padEnd(52)} ${perSecond.toFixed(0).padStart(7)} events/s`);
}
for (const r of rows)
  console.log(
    `${r.name}: valid ${r.totals.valid}, duplicates ${r.totals.duplicates}, claims sent ${r.totals.claimsSent}, ` +
      `answered by the cache ${r.totals.claimsCached}`,
  );
console.log(
  `10% copies / 0% copies: ${(rows[2]!.perSecond / rows[1]!.perSecond).toFixed(3)}; on / off: ${(rows[1]!.perSecond / rows[0]!.perSecond).toFixed(3)}`,
);
console.log(
  `machine: ${cpus().length} cores, ${cpus()[0]?.model}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
await stack.stop();
process.exit(0);
