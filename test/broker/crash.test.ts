import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBroker } from './broker-fixture.js';
import { waitFor } from '../support/wait-for.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/broker-process.ts', import.meta.url));
const TOPIC = 'crash';

/** Starts the broker in a child process and resolves with it and its port. */
async function spawnBroker(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(
    'the broker process to listen',
    () => /LISTENING \d+/.test(out) || child.exitCode !== null,
    30_000,
  );
  const port = Number(/LISTENING (\d+)/.exec(out)?.[1]);
  if (!port) throw new Error(`broker process exited: ${child.exitCode}`);
  return { child, port };
}

let dataDir: string;
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

describe('Crash > kill -9 during an acks=-1 produce stream', () => {
  it('keeps every acknowledged message exactly once and in order per partition', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'citystream-crash-'));
    const { child, port } = await spawnBroker(dataDir);
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 0 } });
    await producer.connect();
    /** Acknowledged values per partition, in acknowledgement order, with their offsets. */
    const acked = new Map<number, { value: string; offset: number }[]>();
    let ackCount = 0;
    let stop = false;
    // Several sends in flight at once, so the kill lands in the middle of writes.
    const streams = Array.from({ length: 4 }, async (_, s) => {
      for (let i = 0; !stop; i++) {
        const values = Array.from({ length: 5 }, (_, j) => `s${s}-${i}-${j}`);
        try {
          const [result] = await producer.send({
            topic: TOPIC,
            acks: -1,
            messages: values.map((value) => ({ key: `${s}-${i}`, value })),
          });
          const list = acked.get(result!.partition) ?? [];
          values.forEach((value, j) => list.push({ value, offset: Number(result!.baseOffset) + j }));
          acked.set(result!.partition, list);
          ackCount += values.length;
        } catch {
          return; // the broker is gone
        }
      }
    });
    await waitFor('some acknowledged messages', () => ackCount >= 1000, 60_000);
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(streams);
    await producer.disconnect().catch(() => undefined);
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));

    // Restart on the same data directory and read every partition back.
    const broker = await startTestBroker({ dataDir, partitions: 3 });
    try {
      const reader = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = reader.admin();
      await admin.connect();
      const highs = await admin.fetchTopicOffsets(TOPIC);
      await admin.disconnect();
      const total = highs.reduce((n, h) => n + Number(h.high), 0);
      const stored = new Map<number, { value: string; offset: number }[]>();
      const consumer = reader.consumer({ groupId: 'crash-reader', maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      let count = 0;
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const list = stored.get(partition) ?? [];
          list.push({ value: message.value!.toString(), offset: Number(message.offset) });
          stored.set(partition, list);
          count++;
        },
      });
      await waitFor('every stored message', () => count >= total, 60_000);
      await consumer.disconnect();

      expect(ackCount).toBeGreaterThanOrEqual(1000);
      for (const [partition, list] of acked) {
        const got = stored.get(partition) ?? [];
        const occurrences = new Map<string, number>();
        for (const m of got) occurrences.set(m.value, (occurrences.get(m.value) ?? 0) + 1);
        for (const m of list) expect(occurrences.get(m.value), m.value).toBe(1);
        // Acknowledged at an offset: still at that offset.
        const atOffset = new Map(got.map((m) => [m.offset, m.value]));
        for (const m of list) expect(atOffset.get(m.offset)).toBe(m.value);
        const offsets = got.map((m) => m.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      }
    } finally {
      await broker.close();
    }
  });
});
