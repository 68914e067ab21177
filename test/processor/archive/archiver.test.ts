import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError, UserError } from '../../../src/errors.js';
import { ProcessorMetrics } from '../../../src/processor/metrics.js';
import { ArchiveMetrics } from '../../../src/processor/archive/archive-metrics.js';
import { Archiver, type ArchiverOptions } from '../../../src/processor/archive/archiver.js';
import { FileStore } from '../../../src/processor/archive/file-store.js';
import type { ArchiveStore } from '../../../src/processor/archive/store.js';
import { hourOf } from '../../../src/processor/archive/objects.js';
import { encodePendingHours } from '../../../src/processor/archive/pending-hours.js';
import { readArchive } from '../../support/archive.js';
import {
  createTopic,
  logEnds,
  readTopicWithKafkajs,
  startTestBroker,
  type TestBroker,
} from '../../support/kafka.js';
import { waitFor } from '../../support/wait-for.js';
import { sendAll, waitForZeroLag } from '../../e2e/pipeline-stack.js';

/**
 * The archive's consumer against the embedded broker and a real directory: objects by count and by age,
 * offsets committed to the log end, leftovers of an uncommitted flush removed on assignment, a rebalance
 * between two members, and a clean stop that archives what it holds. Every check reads the archive back
 * and compares it with the topic: each message once, with its value.
 */
let broker: TestBroker;
let n = 0;
const dirs: string[] = [];
const running = new Set<Archiver>();

beforeAll(async () => {
  broker = await startTestBroker({ partitions: 3 });
});
afterAll(async () => {
  await Promise.all([...running].map((a) => a.stop()));
  await broker?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function fresh(partitions: number) {
  n += 1;
  const topic = `archive-t${n}`;
  await createTopic(broker.kafka, topic, partitions);
  const root = await mkdtemp(path.join(tmpdir(), 'citystream-archiver-'));
  dirs.push(root);
  return { topic, group: `archive-g${n}`, root, store: new FileStore(root) };
}

function archiver(
  options: Omit<ArchiverOptions, 'kafka' | 'limits'> & { limits?: Partial<ArchiverOptions['limits']> },
) {
  const a = new Archiver({
    kafka: broker.kafka,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 1_000,
    rebalanceTimeoutMs: 6_000,
    ...options,
    limits: { maxEvents: 100, maxBytes: 1 << 20, maxAgeMs: 300, maxHours: 24, ...options.limits },
  });
  running.add(a);
  return a;
}

const messages = (count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => ({ key: `k${i % 7}`, value: `{"${tag}":${i}}` }));

async function expectExactlyTheTopic(topic: string, store: FileStore) {
  const archived = await readArchive(
    store,
    (key) => readFile(path.join(store.root, ...key.split('/'))),
    `${topic}/`,
  );
  const truth = await readTopicWithKafkajs(broker.kafka, topic);
  expect(archived.map((a) => `${a.partition}/${a.offset}/${a.key}/${a.value}`)).toEqual(
    truth.map((t) => `${t.partition}/${t.offset}/${t.key}/${t.value}`),
  );
  return archived;
}

describe('Archive > archiver', () => {
  it('writes objects of exactly max-events, the tail by age, and commits every partition to its log end', async () => {
    const { topic, group, store } = await fresh(3);
    const metrics = new ProcessorMetrics();
    // All in the log first: the only object an age flush cuts is then each partition's tail.
    await sendAll(broker.kafka, topic, messages(1_000, 'n'));
    const a = archiver({
      topic,
      group,
      store,
      metrics: new ArchiveMetrics(metrics),
      limits: { maxAgeMs: 1_000 },
    });
    await a.start();
    await waitForZeroLag(broker.kafka, group, topic, 60_000);
    const archived = await expectExactlyTheTopic(topic, store);
    const ends = await logEnds(broker.kafka, topic);
    const sizes = new Map<string, number>();
    for (const line of archived) sizes.set(line.object, (sizes.get(line.object) ?? 0) + 1);
    // Count-bound objects hold exactly 100 from the partition's first offset; only a tail is shorter.
    for (const [object, count] of sizes) {
      const [, p, first, last] = /part-(\d+)-(\d+)-(\d+)/.exec(object)!.map(Number);
      expect(last! - first! + 1).toBe(count);
      if (count < 100) expect(last).toBe(ends.get(p!)! - 1);
    }
    expect(a.totals.events).toBe(1_000);
    expect(a.totals.objects).toBe(sizes.size);
    const text = await metrics.registry.metrics();
    expect(text).toContain('citystream_archive_events_total 1000');
    expect(text).toContain(`citystream_archive_objects_total ${sizes.size}`);
    await a.stop();
  });

  it('removes what a flush left past the committed offset before consuming, and the replay writes it once', async () => {
    const { topic, group, store, root } = await fresh(1);
    await sendAll(broker.kafka, topic, messages(50, 'm'));
    const truth = await readTopicWithKafkajs(broker.kafka, topic);
    const hour = hourOf(Date.now());
    const dir = path.join(root, topic, `dt=${hour.slice(0, 10)}`, `hour=${hour.slice(11, 13)}`);
    await mkdir(dir, { recursive: true });
    const body = (from: number, to: number) =>
      gzipSync(
        truth
          .slice(from, to + 1)
          .map(
            (t) =>
              `${JSON.stringify({ topic, partition: 0, offset: Number(t.offset), timestamp: Date.now(), key: t.key, value: t.value })}\n`,
          )
          .join(''),
      );
    // What a member archived and committed (0..19), and what it wrote before dying: 20..34 and half of 35..49.
    await writeFile(path.join(dir, 'part-0-0-19.ndjson.gz'), body(0, 19));
    await writeFile(path.join(dir, 'part-0-20-34.ndjson.gz'), body(20, 34));
    await writeFile(path.join(dir, '.part-0-35-49.ndjson.gz.0a1b2c.tmp'), 'half');
    // Its last commit: offset 20, with the hour its next flush was writing into.
    const member = broker.kafka.consumer({ groupId: group });
    const admin = broker.kafka.admin();
    await Promise.all([member.connect(), admin.connect()]);
    try {
      await member.subscribe({ topic, fromBeginning: true });
      // A member that consumes nothing: it is in the group only to commit.
      await member.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
      await waitFor(
        "the crashed member's commit",
        async () => {
          const commit = [{ topic, partition: 0, offset: '20', metadata: encodePendingHours([hour]) }];
          await member.commitOffsets(commit).catch(() => undefined); // refused until it has joined
          const [entry] = (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions;
          return entry?.offset === '20' && entry.metadata === commit[0]!.metadata;
        },
        30_000,
        200,
      );
    } finally {
      await admin.disconnect();
    }
    await member.disconnect();

    const discarded: string[] = [];
    const a = archiver({
      topic,
      group,
      store,
      limits: { maxEvents: 10 },
      onDiscard: (_p, keys) => discarded.push(...keys),
    });
    await a.start();
    await waitForZeroLag(broker.kafka, group, topic, 60_000);
    expect(discarded).toEqual([
      `${topic}/dt=${hour.slice(0, 10)}/hour=${hour.slice(11, 13)}/part-0-20-34.ndjson.gz`,
    ]);
    const archived = await expectExactlyTheTopic(topic, store);
    expect([...new Set(archived.map((l) => path.posix.basename(l.object)))]).toEqual([
      'part-0-0-19.ndjson.gz',
      'part-0-20-29.ndjson.gz',
      'part-0-30-39.ndjson.gz',
      'part-0-40-49.ndjson.gz',
    ]);
    expect((await store.list(`${topic}/`)).length).toBe(4); // and no temporary file either
    await a.stop();
  });

  it('two members: a member joining and one leaving move partitions, and each message is archived once', async () => {
    const { topic, group, store } = await fresh(3);
    const first = archiver({ topic, group, store, limits: { maxEvents: 37 } });
    await first.start();
    await sendAll(broker.kafka, topic, messages(600, 'a'));
    await waitFor('some archiving', () => first.totals.events > 0, 30_000);
    const second = archiver({ topic, group, store, limits: { maxEvents: 37 } });
    await second.start();
    await sendAll(broker.kafka, topic, messages(600, 'b'));
    await waitFor('the second member to archive', () => second.totals.events > 0, 60_000);
    await first.stop();
    await sendAll(broker.kafka, topic, messages(600, 'c'));
    await waitForZeroLag(broker.kafka, group, topic, 90_000);
    await expectExactlyTheTopic(topic, store);
    await second.stop();
  });

  it('a flush that failed half-way (the service’s error) is reported, cleared and written again, once', async () => {
    const { topic, group, store } = await fresh(1);
    // Records of two hours: an age flush writes two objects, and the second fails once.
    const hour = 3_600_000;
    const base = Math.floor(Date.now() / hour) * hour - 2 * hour;
    await sendAll(
      broker.kafka,
      topic,
      messages(20, 'h').map((m, i) => ({ ...m, timestamp: String(base + (i < 10 ? 0 : hour)) })),
    );
    let puts = 0;
    const flaky: ArchiveStore = Object.assign(Object.create(store) as FileStore, {
      put: async (key: string, body: Buffer) => {
        puts += 1;
        if (puts === 2) throw new ServiceError('S3 is having a moment');
        await store.put(key, body);
      },
    });
    const errors: unknown[] = [];
    const discarded: string[] = [];
    const a = archiver({
      topic,
      group,
      store: flaky,
      onError: (err) => errors.push(err),
      onDiscard: (_p, keys) => discarded.push(...keys),
    });
    await a.start();
    await waitForZeroLag(broker.kafka, group, topic, 30_000);
    expect(errors.map((e) => (e as Error).message)).toEqual(['S3 is having a moment']);
    expect(discarded.map((k) => path.posix.basename(k))).toEqual(['part-0-0-9.ndjson.gz']);
    await expectExactlyTheTopic(topic, store);
    await a.stop();
  });

  it('the user’s error in an age flush (the bucket went away) ends the archive with it', async () => {
    const { topic, group, store } = await fresh(1);
    await sendAll(broker.kafka, topic, messages(5, 'u'));
    const gone: ArchiveStore = Object.assign(Object.create(store) as FileStore, {
      put: async () => {
        throw new UserError('bucket archive-bucket does not exist');
      },
    });
    const a = archiver({ topic, group, store: gone, limits: { maxEvents: 1_000 } });
    await a.start();
    await expect(a.done).rejects.toThrow('bucket archive-bucket does not exist');
    await a.stop();
  });

  it('a clean stop archives what it holds and commits it, however young', async () => {
    const { topic, group, store } = await fresh(2);
    const a = archiver({ topic, group, store, limits: { maxEvents: 1_000, maxAgeMs: 3_600_000 } });
    await a.start();
    await sendAll(broker.kafka, topic, messages(40, 's'));
    await waitFor('the messages in the buffers', () => a.buffered() === 40, 30_000);
    expect(await store.list('')).toEqual([]);
    await a.stop();
    await waitForZeroLag(broker.kafka, group, topic, 10_000);
    await expectExactlyTheTopic(topic, store);
  });
});
