import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/broker.js';
import { commitWithoutGroup } from './simple-commit-client.js';
import { waitFor } from '../../support/wait-for.js';

const BROKER_PROCESS = fileURLToPath(new URL('../fixtures/broker-process.ts', import.meta.url));
const TOPIC = 'commits';
const GROUPS = ['g0', 'g1', 'g2', 'g3'];

describe('Broker > Group > committed offsets after kill -9', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let broker: RunningBroker | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await broker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged commit when the broker is killed while commits stream in', async () => {
    dir = await mkdtemp(join(tmpdir(), 'citystream-offsets-crash-'));
    child = spawn(process.execPath, ['--import', 'tsx', BROKER_PROCESS, dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the broker process to listen', () => /LISTENING \d+/.test(out), 30_000);
    const port = Number(/LISTENING (\d+)/.exec(out)![1]);

    const kafka = new Kafka({
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });

    await admin.disconnect();

    // One commit stream per group, each committing 1, 2, 3, … and noting what the broker acknowledged.
    const acked = new Map<string, number>();
    const attempted = new Map<string, number>();
    let stop = false;
    const streams = GROUPS.map(async (groupId) => {
      for (let offset = 1; !stop; offset++) {
        attempted.set(groupId, offset);
        try {
          const error = await commitWithoutGroup(port, groupId, TOPIC, 0, offset);
          if (error !== 0) throw new Error(`OffsetCommit error ${error}`);
          acked.set(groupId, offset);
        } catch {
          return; // the broker is gone
        }
      }
    });
    await waitFor('commits to be acknowledged', () => GROUPS.every((g) => (acked.get(g) ?? 0) >= 50), 20_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    stop = true;
    await Promise.all(streams);

    broker = await startBroker({ dataDir: dir, host: '127.0.0.1', port: 0 });
    const after = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await after.connect();
    for (const groupId of GROUPS) {
      const [topic] = await after.fetchOffsets({ groupId, topics: [TOPIC] });
      const committed = Number(topic!.partitions[0]!.offset);
      // Every acknowledged commit is there; a commit in flight at the kill may or may not be.
      expect(committed).toBeGreaterThanOrEqual(acked.get(groupId)!);
      expect(committed).toBeLessThanOrEqual(attempted.get(groupId)!);
    }
    await after.disconnect();
  }, 60_000);
});
