import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Kafka } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { Config } from '../../src/config/settings.js';
import { ClickstreamGenerator } from '../../src/events/clickstream/click-generator.js';
import { clickstreamConfig } from '../../src/events/clickstream/topics.js';
import { parseEvent } from '../../src/events/event-schema.js';
import { EventGenerator, steppedClock } from '../../src/events/generator.js';
import { Prng } from '../../src/events/prng.js';
import { archiveGroup } from '../../src/processor/archive/start-archive.js';
import { openStore, type ArchiveStore } from '../../src/processor/archive/store.js';
import { parseArchiveTarget } from '../../src/processor/archive/target.js';
import { isClaimItem } from '../../src/store/claim-writer.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { readArchive } from '../support/archive.js';
import { logEnds, readTopicWithKafkajs, startTestBroker, type TestBroker } from '../support/kafka.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { S3RVER_KEYS, startTestS3, type TestS3 } from '../support/s3.js';
import { waitFor } from '../support/wait-for.js';
import { expectTablesToEqualTruth, truthOf, waitForStoredOffsets } from './clickstream-stack.js';
import {
  scanAll,
  sendAll,
  startPipelineStack,
  waitForZeroLag,
  type PipelineStack,
} from './pipeline-stack.js';
import { kill } from './processor-children.js';

/**
 * The raw archive under SIGKILL, for both workloads: the city events archived to a directory beside the
 * DynamoDB sink (dynalite, in its own process as `up` runs it), and the clickstream archived to S3 beside
 * the PostgreSQL sink — s3rver, a local S3-compatible server, stands in for S3. A processor process with
 * its archive is killed with SIGKILL four times and restarted each time: twice by the test at a random
 * moment, and twice by itself right after an archive object became durable and before its offset was
 * committed (the moment that leaves an object a replay writes again). Each restart runs with another
 * --archive-max-events, so the replay cuts its objects elsewhere and a leftover is never simply
 * overwritten by an object of the same name. At the end every message of the topic is in the archive
 * exactly once, with its key and value, in an object whose name gives its partition, offset range and
 * hour, and the sink beside it still equals the truth.
 */
const EVENTS = 3_000;
const SESSION_MS = 6_000;
const CHILD = new URL('./fixtures/archive-child.ts', import.meta.url).pathname;

const children = new Set<ChildProcess>();
afterAll(async () => {
  await Promise.all([...children].map(kill));
});

interface Run {
  child: ChildProcess;
  /** What the child said on stderr so far (for a failure's message). */
  stderr(): string;
  /** Resolves once the child consumes (never, for one that kills itself first). */
  ready: Promise<void>;
  exited: Promise<NodeJS.Signals | number | null>;
}

let discards = 0;

function startChild(config: Config, env: Record<string, string | undefined>, killAfterObjects?: number): Run {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify({ config, killAfterObjects })],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ?? code);
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      const text = c.toString();
      for (const [, n] of text.matchAll(/^discarded \d+ (\d+)$/gm)) discards += Number(n);
      if (text.includes('ready')) resolve();
    });
    void exited.then((how) => reject(new Error(`child ended (${String(how)}) before ready: ${stderr}`)));
  });
  ready.catch(() => {});
  return { child, stderr: () => stderr, ready, exited };
}

/** The promise's value, or a failure naming what did not happen and what the child said. */
async function within<T>(promise: Promise<T>, ms: number, what: string, run: Run): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${run.stderr()}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function committedTotal(kafka: Kafka, group: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Five runs over a stream sent in five parts, one before each run so that every run has work: four end
 * in SIGKILL, the last runs to the log ends; then the archive read back equals the topic. `config`
 * carries the archive target; `read` gets an object's bytes past the store.
 */
async function crashAndReplay(options: {
  kafka: Kafka;
  config: Config;
  env: Record<string, string | undefined>;
  messages: ReadonlyArray<{ key: string; value: string }>;
  store: ArchiveStore;
  read: (key: string) => Promise<Buffer>;
  seed: string;
}): Promise<Run> {
  const { kafka, config, env, messages } = options;
  const group = archiveGroup(config.group);
  const random = new Prng(options.seed);
  const runConfig = (k: number): Config => ({ ...config, archiveMaxEvents: 100 + 23 * k });
  const part = Math.ceil(messages.length / 5);
  const send = (k: number) => sendAll(kafka, config.topic, messages.slice(k * part, (k + 1) * part));
  discards = 0;
  for (let k = 0; k < 4; k++) {
    await send(k);
    if (k % 2 === 0) {
      // Dies by its own hand right after an object is durable, before that object's commit. Each
      // partition has at least a full object and a tail of this part to write: 6 objects or more.
      const run = startChild(runConfig(k), env, 1 + random.int(4));
      expect(await within(run.exited, 180_000, 'the child to kill itself', run)).toBe('SIGKILL');
      expect(await committedTotal(kafka, group, config.topic)).toBeLessThan((k + 1) * part);
    } else {
      const run = startChild(runConfig(k), env);
      await within(run.ready, 120_000, 'the child to start', run);
      const before = await committedTotal(kafka, group, config.topic);
      await waitFor(
        'archive progress before a kill',
        async () => (await committedTotal(kafka, group, config.topic)) > before,
        120_000,
        50,
      );
      await new Promise((r) => setTimeout(r, random.next() * 1_000));
      await kill(run.child);
    }
  }
  await send(4);
  const last = startChild(runConfig(4), env);
  await within(last.ready, 120_000, 'the last child to start', last);
  await within(
    waitForZeroLag(kafka, group, config.topic, 300_000),
    310_000,
    'the archive at the log ends',
    last,
  );

  const archived = await readArchive(options.store, options.read, `${config.topic}/`);
  const truth = await readTopicWithKafkajs(kafka, config.topic, 60_000);
  expect(truth).toHaveLength(messages.length);
  expect(archived.map((a) => `${a.topic}/${a.partition}/${a.offset}/${a.key}/${a.value}`)).toEqual(
    truth.map((t) => `${config.topic}/${t.partition}/${t.offset}/${t.key}/${t.value}`),
  );
  // Each self-inflicted kill left an object past the committed offset; a later run removed it.
  expect(discards).toBeGreaterThanOrEqual(2);
  return last;
}

/** SIGTERM: the processor and the archive finish, commit and leave; the process exits 0. */
async function stopCleanly(run: Run): Promise<void> {
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
}

describe('raw archive: kill -9 of the processor', () => {
  let stack: PipelineStack | undefined;
  let broker: TestBroker | undefined;
  let pg: TestPostgres | undefined;
  let s3: TestS3 | undefined;
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all([...children].map(kill));
    await Promise.all([stack?.stop(), broker?.close(), pg?.close(), s3?.close()]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('city events → file://, beside the DynamoDB sink: every message archived exactly once', async () => {
    stack = await startPipelineStack({ partitions: 3 });
    const root = await mkdtemp(path.join(tmpdir(), 'citystream-archive-crash-'));
    dirs.push(root);
    const config: Config = {
      ...stack.config,
      alertSeverities: ['critical'],
      sessionTimeoutMs: SESSION_MS,
      heartbeatIntervalMs: 1_000,
      archive: `file://${root}`,
      archiveMaxAge: 500,
    };
    const generated = new EventGenerator({
      seed: 'archive-crash',
      clock: steppedClock(Date.now() - 3_600_000, 200),
      invalidFraction: 0.02,
    }).take(EVENTS);
    const store = await openStore(parseArchiveTarget(config.archive!), config, {});
    const last = await crashAndReplay({
      kafka: stack.kafka,
      config,
      env: {},
      messages: generated,
      store,
      read: (key) => readFile(path.join(root, ...key.split('/'))),
      seed: 'city kills',
    });
    // The sink beside the archive: every valid event stored once.
    await waitForZeroLag(stack.kafka, config.group, config.topic, 600_000);
    const valid = new Set(
      generated.flatMap((m) => {
        const parsed = parseEvent(m.value, { now: Date.now() });
        return parsed.ok ? [parsed.event.event_id] : [];
      }),
    );
    const raw = (await scanAll(stack.client, tableNames(config.prefix).rawEvents)).filter(
      (i) => !isClaimItem(i),
    );
    expect(raw).toHaveLength(valid.size);
    expect(new Set(raw.map((r) => r.event_id))).toEqual(valid);
    await stopCleanly(last);
  }, 1_200_000);

  it('clickstream → s3:// (s3rver stands in for S3), beside the PostgreSQL sink: every message archived exactly once', async () => {
    const bucket = 'citystream-crash';
    [broker, pg, s3] = await Promise.all([
      startTestBroker({ partitions: 3 }),
      startTestPostgres(),
      startTestS3([bucket]),
    ]);
    const base = resolveConfig({
      flags: { brokers: [broker.bootstrap], pgUrl: pg.url, partitions: 3 },
      env: {},
    });
    const config: Config = {
      ...clickstreamConfig(base.values, base.sources),
      workload: 'clickstream',
      sessionTimeoutMs: SESSION_MS,
      heartbeatIntervalMs: 1_000,
      archive: `s3://${bucket}/raw/clicks`,
      archiveMaxAge: 500,
    };
    const generated = new ClickstreamGenerator({
      seed: 'archive-crash',
      invalidFraction: 0.02,
      clock: steppedClock(Date.parse('2026-11-22T00:00:00.000Z'), 500),
    }).take(EVENTS);
    const env = { ...s3.env, ...pg.env };
    const store = await openStore(parseArchiveTarget(config.archive!), config, env);
    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: {
        accessKeyId: S3RVER_KEYS.AWS_ACCESS_KEY_ID,
        secretAccessKey: S3RVER_KEYS.AWS_SECRET_ACCESS_KEY,
      },
    });
    const last = await crashAndReplay({
      kafka: broker.kafka,
      config,
      env,
      messages: generated,
      store,
      read: async (key) => {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `raw/clicks/${key}` }));
        return Buffer.from(await got.Body!.transformToByteArray());
      },
      seed: 'clickstream kills',
    });
    client.destroy();
    store.close();
    // The sink beside the archive still equals the truth.
    const ends = await logEnds(broker.kafka, config.topic);
    await waitForStoredOffsets(pg.pool, config.group, config.topic, ends, 300_000);
    await expectTablesToEqualTruth(pg.pool, truthOf(await readTopicWithKafkajs(broker.kafka, config.topic)));
    await stopCleanly(last);
  }, 1_200_000);
});
