import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { FileStore } from '../../src/processor/archive/file-store.js';
import { readArchive } from '../support/archive.js';
import { captureIO, runCli } from '../support/cli.js';
import { readTopicWithKafkajs, startTestBroker, type TestBroker } from '../support/kafka.js';
import { startTestS3, type TestS3 } from '../support/s3.js';
import { waitFor } from '../support/wait-for.js';
import { sendAll, waitForZeroLag } from '../e2e/pipeline-stack.js';

/**
 * `citystream process --archive`: the flags, the one-line refusals, and a run of the real command (in
 * process, stopped by SIGINT) that archives a topic to a directory with its line on stderr and its
 * metrics on /metrics. s3rver stands in for S3 where the command meets a bucket.
 */
let kafka: TestBroker;
let s3: TestS3;
const dirs: string[] = [];
beforeAll(async () => {
  [kafka, s3] = await Promise.all([startTestBroker({ partitions: 3 }), startTestS3(['citystream-cli-test'])]);
});
afterAll(async () => {
  await Promise.all([kafka?.close(), s3?.close()]);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('citystream process --archive', () => {
  it.each([
    ['ftp://host/raw', 'Error: --archive: ftp:// is not an archive target — archive to a directory'],
    ['./archive', 'Error: --archive: expected a file:// or s3:// URL, got "./archive"'],
    ['s3:///raw', 'Error: --archive: "s3:///raw" names no bucket — write it as s3://bucket/prefix'],
    ['s3://UPPER/raw', 'Error: --archive: "UPPER" is not a valid S3 bucket name'],
  ])('refuses --archive %s in one line, exit 2, before starting anything', async (value, line) => {
    const r = await runCli(['process', '--brokers', '127.0.0.1:1', '--archive', value]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(line);
  });

  it('refuses limits out of range, and reads durations as durations', async () => {
    const age = await runCli(['process', '--archive', 'file:///tmp/a', '--archive-max-age', '10ms']);
    expect(age.code).toBe(2);
    expect(age.stderr).toContain('expected a duration from 100ms to 1d such as 30s, 10m or 1h, got "10ms"');
    const events = await runCli(['process', '--archive', 'file:///tmp/a', '--archive-max-events', '0']);
    expect(events.code).toBe(2);
    const env = await runCli(['config', '--json'], { env: { CITYSTREAM_ARCHIVE_MAX_AGE: '1h30m' } });
    const settings = (
      JSON.parse(env.stdout) as { settings: Array<{ key: string; value: unknown; source: string }> }
    ).settings;
    expect(settings.find((s) => s.key === 'archiveMaxAge')).toMatchObject({
      value: 5_400_000,
      source: 'env',
    });
    const bad = await runCli(['config'], { env: { CITYSTREAM_ARCHIVE_MAX_AGE: 'soon' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'CITYSTREAM_ARCHIVE_MAX_AGE: expected a duration such as 30s, 10m or 1h, got "soon"',
    );
  });

  it('lists the archive flags in --help with their defaults and variables', async () => {
    const help = (await runCli(['process', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--archive <url> raw archive[\s\S]*env CITYSTREAM_ARCHIVE\)/);
    expect(help).toMatch(
      /--archive-max-events <n>[\s\S]*1-1000000; default 10000; env CITYSTREAM_ARCHIVE_MAX_EVENTS/,
    );
    expect(help).toMatch(
      /--archive-max-age <duration>[\s\S]*100ms-1d; default 1m; env CITYSTREAM_ARCHIVE_MAX_AGE/,
    );
  });

  it('a bucket that does not exist is the user’s one line, exit 2, before the processor starts', async () => {
    const r = await runCli(
      [
        'process',
        '--brokers',
        kafka.bootstrap,
        '--sink',
        'none',
        '--group',
        'no-bucket',
        '--archive',
        's3://no-such-bucket/raw',
      ],
      { env: s3.env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `Error: bucket no-such-bucket does not exist (s3://no-such-bucket/raw at ${s3.endpoint}) — create the bucket first, or correct the bucket in --archive`,
    );
  });

  it('archives the topic to a directory, says so on stderr, counts in /metrics, and stops on SIGINT', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'citystream-cli-archive-'));
    dirs.push(root);
    const topic = 'cli-archive';
    await sendAll(
      kafka.kafka,
      topic,
      Array.from({ length: 300 }, (_, i) => ({
        key: `c${i % 5}`,
        value: i % 50 === 0 ? 'not json' : `{"i":${i}}`,
      })),
    );
    const controller = new AbortController();
    const { io, output } = captureIO({ signal: controller.signal, env: { CITYSTREAM_TOPIC: topic } });
    const exit = main(
      [
        'process',
        ...['--brokers', kafka.bootstrap, '--group', 'cli-archive', '--sink', 'none'],
        ...['--archive', `file://${root}`, '--archive-max-events', '64', '--archive-max-age', '200ms'],
        ...['--metrics-port', '0'],
      ],
      io,
    );
    const url = await waitFor(
      'the metrics line',
      () => /metrics at (http:\/\/\S+?\/metrics)/.exec(output().stderr)?.[1],
      30_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}; stderr: ${output().stderr}`);
    });
    expect(output().stderr).toContain(
      `archiving ${topic} to file://${root} as group cli-archive-archive: gzip NDJSON objects of up to 64 messages or 32 MiB, written at the latest 0.2 s after their first message`,
    );
    await waitForZeroLag(kafka.kafka, 'cli-archive-archive', topic, 60_000);
    const store = new FileStore(root);
    const archived = await readArchive(store, (key) => readFile(path.join(root, ...key.split('/'))));
    const truth = await readTopicWithKafkajs(kafka.kafka, topic);
    expect(archived.map((a) => `${a.partition}/${a.offset}/${a.value}`)).toEqual(
      truth.map((t) => `${t.partition}/${t.offset}/${t.value}`),
    );
    const metrics = await (await fetch(url)).text();
    expect(metrics).toContain('citystream_archive_events_total 300');
    controller.abort('SIGINT');
    expect(await exit).toBe(0);
    expect(output().stdout).toMatch(
      new RegExp(`; archived 300 messages in \\d+ objects to file://${root}\\n$`),
    );
  });
});
