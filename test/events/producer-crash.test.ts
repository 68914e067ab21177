import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/clients/kafka.js';
import { EventGenerator, steppedClock, type GeneratorOptions } from '../../src/events/generator.js';
import { Prng } from '../../src/events/prng.js';
import { PRODUCER_CLIENT_RETRY, produceEvents, type ProduceSummary } from '../../src/events/producer.js';
import { waitFor } from '../support/wait-for.js';
import { readTopicWithKafkajs } from '../support/kafka.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/crashing-broker-process.ts', import.meta.url));
const SEED = 20_261_122;
const COUNT = 4000;
const BATCH = 20;
const TOPIC = 'producer-crash';

interface BrokerProcess {
  child: ChildProcess;
  port: number;
}

/** Starts the broker in a child process (optionally set to crash itself) and waits until it listens. */
async function spawnBroker(
  dataDir: string,
  port: number,
  crashAfterAppends?: number,
): Promise<BrokerProcess> {
  const args = ['--import', 'tsx', FIXTURE, dataDir, String(port)];
  if (crashAfterAppends !== undefined) args.push(String(crashAfterAppends));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor('the broker process to listen', () => /LISTENING \d+/.test(out) || exited(child), 20_000);
  const listening = Number(/LISTENING (\d+)/.exec(out)?.[1]);
  if (!listening) throw new Error(`broker process exited: ${child.exitCode ?? child.signalCode}`);
  return { child, port: listening };
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (!exited(child)) child.kill('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('produceEvents > broker killed with SIGKILL mid-stream', () => {
  it('stores every generated event exactly once, in order per key', { timeout: 30_000 }, async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'citystream-producer-crash-'));
    dirs.push(dataDir);
    // The crash points come from the seed, so a failure replays the same way.
    const rng = new Prng(SEED);
    const selfCrashes = [10 + rng.int(60), 10 + rng.int(60)];
    const batchesBeforeOutsideKill = 1 + rng.int(5);
    // A fresh clock each time: the expected stream is generated again at the end.
    const generator = (): GeneratorOptions => ({
      seed: SEED,
      lateFraction: 0.1,
      clock: steppedClock(Date.UTC(2026, 10, 22, 12), 250),
    });

    let broker = await spawnBroker(dataDir, 0, selfCrashes[0]);
    children.push(broker.child);
    const port = broker.port;
    // As `citystream produce` builds it: the client reconnects as long as its producer retries.
    const kafka = createKafka({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'producer-crash',
      retry: PRODUCER_CLIENT_RETRY,
    });
    let sent = 0;
    const producing: Promise<ProduceSummary> = produceEvents({
      kafka,
      topic: TOPIC,
      generator: generator(),
      count: COUNT,
      rate: 0,
      batchSize: BATCH,
      progressIntervalMs: 0,
      onProgress: (p) => (sent = p.sent),
    });
    let producerDone = false;
    void producing.finally(() => (producerDone = true)).catch(() => undefined);

    /** Waits for the broker process to die, then starts the next one on the same port and data. */
    const restart = async (crashAfterAppends?: number): Promise<void> => {
      await waitFor('the broker process to die', () => exited(broker.child) || producerDone, 20_000);
      expect(broker.child.signalCode, 'the broker crashed, not exited').toBe('SIGKILL');
      broker = await spawnBroker(dataDir, port, crashAfterAppends);
      children.push(broker.child);
    };

    // Two crashes right after a batch is written but before it is acknowledged (the producer must
    // retry a batch the log already holds), then one SIGKILL from outside at a point in the stream.
    await restart(selfCrashes[1]);
    await restart();
    const resumedAt = sent;
    await waitFor(
      'the producer to make progress after the restart',
      () => sent >= resumedAt + batchesBeforeOutsideKill * BATCH || producerDone,
      20_000,
    );
    expect(producerDone, 'the stream outlasted the crashes').toBe(false);
    broker.child.kill('SIGKILL');
    await restart();

    const summary = await producing;
    expect(summary).toMatchObject({ sent: COUNT, errors: 0, idempotent: true });

    const reader = createKafka({ brokers: [`127.0.0.1:${port}`], clientId: 'producer-crash-reader' });
    const stored = await readTopicWithKafkajs(reader, TOPIC, 20_000);
    const expected = new EventGenerator(generator()).take(COUNT);
    const idOf = (value: string | null): string =>
      (JSON.parse(value ?? '{}') as { event_id: string }).event_id;

    const occurrences = new Map<string, number>();
    for (const m of stored) occurrences.set(idOf(m.value), (occurrences.get(idOf(m.value)) ?? 0) + 1);
    const missing = expected.map((m) => m.event.event_id).filter((id) => !occurrences.has(id));
    const duplicated = [...occurrences].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ missing, duplicated }).toEqual({ missing: [], duplicated: [] });
    expect(stored).toHaveLength(COUNT);

    // Per key (city), the log holds the messages in the order they were generated, byte for byte.
    const byKey = (messages: { key: string | null; value: string | null }[]) => {
      const groups = new Map<string, string[]>();
      for (const m of messages) groups.set(m.key ?? '', [...(groups.get(m.key ?? '') ?? []), m.value ?? '']);
      return groups;
    };
    expect(byKey(stored)).toEqual(byKey(expected));

    broker.child.kill('SIGTERM');
    await waitFor('the broker to stop', () => exited(broker.child), 10_000);
  });
});
