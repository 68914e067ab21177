/**
 * Throughput of `citystream produce` (produceEvents: generator + kafkajs producer, --rate 0) into the
 * embedded broker, side by side in one run: the idempotent producer against a plain acks=-1 one, at
 * several batch sizes. Also the generator alone (no Kafka), the ceiling of the producer's own CPU cost.
 * The broker runs in this same process, so producer and broker share a core: the figures are a lower bound
 * for a producer talking to a broker on another machine.
 *
 *   npx tsx bench/produce.ts [events=30000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBroker } from '../src/broker/broker.js';
import { createKafka } from '../src/clients/kafka.js';
import { EventGenerator } from '../src/events/generator.js';
import { produceEvents } from '../src/events/producer.js';

const N = Number(process.argv[2] ?? 30_000);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'citystream-bench-produce-'));
const broker = await startBroker({ dataDir, host: '127.0.0.1', port: 0, partitions: 6 });
const kafka = createKafka({ brokers: [broker.bootstrap], clientId: 'bench-produce' });

const rows: Array<[string, number, number]> = [];
{
  const t = performance.now();
  new EventGenerator({ seed: 1 }).take(N);
  const s = (performance.now() - t) / 1000;
  rows.push(['generator only (no Kafka)', N, N / s]);
}
let run = 0;
for (const batchSize of [100, 500, 2000])
  for (const idempotent of [true, false]) {
    run += 1;
    const summary = await produceEvents({
      kafka,
      topic: `bench-produce-${run}`,
      generator: { seed: run },
      count: N,
      rate: 0,
      batchSize,
      idempotent,
    });
    if (summary.errors > 0 || summary.sent !== N) throw new Error(`run ${run}: ${JSON.stringify(summary)}`);
    rows.push([
      `produceEvents batch ${batchSize}, ${idempotent ? 'idempotent' : 'plain acks=-1'}`,
      N,
      summary.rate,
    ]);
  }
await broker.close();
await rm(dataDir, { recursive: true, force: true });

console.log(`events per run: ${N}`);
for (const [what, n, rate] of rows)
  console.log(`${what.padEnd(48)} ${String(n).padStart(7)}  ${Math.round(rate)} events/s`);
