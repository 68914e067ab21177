import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventGenerator, steppedClock } from '../../src/events/generator.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { hasKcat, readTopicWithKcat, startTestBroker, type TestBroker } from '../support/kafka.js';

const START = '2026-11-22T12:00:00.000Z';

describe('citystream produce: flags', () => {
  it.each([
    [['--rate', '-1'], /--rate.*expected a number from 0/],
    [['--count', '0'], /--count.*whole number from 1/],
    [['--late-fraction', '1.5'], /--late-fraction.*from 0 to 1/],
    [['--duration', '10x'], /--duration.*expected a duration/],
    [['--severity-mix', 'wild'], /--severity-mix.*uniform, realistic/],
    [['--late-fraction', '0.6', '--invalid-fraction', '0.6'], /add up to more than 1/],
    [['--types', 'parade'], /unknown event type parade/],
    [['--cities', 'a#b'], /not a city name/],
    [['--start-time', 'soon'], /--start-time/],
    [['--from-file', 'x.jsonl', '--seed', '3'], /--from-file replays the file/],
  ])('refuses %j with one line and exit 2', async (flags, message) => {
    const result = await runCli(['produce', ...flags, '--brokers', '127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says to run `citystream up` when the embedded broker does not listen', async () => {
    const port = await freePort();
    const result = await runCli(['produce', '--count', '1'], {
      env: { CITYSTREAM_BROKER_PORT: String(port) },
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `Error: no Kafka broker at 127.0.0.1:${port} — start the local stack with \`citystream up\``,
    );
  });

  it('does not suggest `citystream up` when the brokers were given and do not listen', async () => {
    const port = await freePort();
    const result = await runCli(['produce', '--count', '1', '--brokers', `127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `Error: no Kafka broker at 127.0.0.1:${port} — start a broker there, or correct --brokers`,
    );
  });
});

describe('citystream produce: against the embedded broker', () => {
  let broker: TestBroker;
  let kcat = false;
  beforeAll(async () => {
    kcat = await hasKcat();
    broker = await startTestBroker({ partitions: 3 });
  });
  afterAll(async () => broker?.close());

  it('sends exactly the seeded stream, keyed by city', async (test) => {
    if (!kcat) test.skip();
    const result = await runCli([
      'produce',
      '--seed',
      '7',
      '--count',
      '500',
      '--rate',
      '0',
      '--batch-size',
      '64',
      '--start-time',
      START,
      '--time-step',
      '1s',
      '--late-fraction',
      '0.1',
      '--invalid-fraction',
      '0.05',
      '--topic',
      'produce-exact',
      '--brokers',
      broker.bootstrap,
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = new EventGenerator({
      seed: '7',
      clock: steppedClock(Date.parse(START), 1000),
      lateFraction: 0.1,
      invalidFraction: 0.05,
    }).take(500);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      topic: 'produce-exact',
      sent: 500,
      invalid_sent: expected.filter((m) => m.kind === 'invalid').length,
      late_sent: expected.filter((m) => m.kind === 'delayed').length,
      errors: 0,
      seed: '7',
      stopped_by: 'count',
    });

    const read = await readTopicWithKcat(broker.bootstrap, 'produce-exact');
    expect(read).toHaveLength(500);
    // Each city's messages land on one partition, in the order they were generated.
    const byKey = (list: Array<{ key: string | null; value: string | null }>) => {
      const groups = new Map<string, string[]>();
      for (const m of list) groups.set(m.key ?? '', [...(groups.get(m.key ?? '') ?? []), m.value ?? '']);
      return groups;
    };
    expect(byKey(read)).toEqual(byKey(expected));
    for (const city of new Set(read.map((m) => m.key)))
      expect(new Set(read.filter((m) => m.key === city).map((m) => m.partition)).size).toBe(1);
  });

  it('gives the same ids for the same seed', async (test) => {
    if (!kcat) test.skip();
    const ids = async (topic: string) => {
      const result = await runCli([
        'produce',
        '--seed',
        'same',
        '--count',
        '50',
        '--rate',
        '0',
        '--topic',
        topic,
        '--brokers',
        broker.bootstrap,
      ]);
      expect(result.code).toBe(0);
      const read = await readTopicWithKcat(broker.bootstrap, topic);
      return read.map((m) => JSON.parse(m.value ?? '{}').event_id as string).sort();
    };
    const first = await ids('same-seed-a');
    expect(first).toHaveLength(50);
    expect(await ids('same-seed-b')).toEqual(first);
  });

  it('replays a file line by line', async (test) => {
    if (!kcat) test.skip();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'citystream-replay-'));
    try {
      const lines = new EventGenerator({ seed: 9, invalidFraction: 0.2 }).take(30).map((m) => m.value);
      await writeFile(path.join(dir, 'events.jsonl'), `${lines.join('\n')}\n\n`);
      const result = await runCli(
        [
          'produce',
          '--from-file',
          'events.jsonl',
          '--rate',
          '0',
          '--topic',
          'replayed',
          '--brokers',
          broker.bootstrap,
          '--json',
        ],
        { cwd: dir },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ sent: 30, stopped_by: 'end-of-input', seed: null });
      const read = await readTopicWithKcat(broker.bootstrap, 'replayed');
      expect(read.map((m) => m.value).sort()).toEqual([...lines].sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
