import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickstreamGenerator } from '../../src/events/clickstream/click-generator.js';
import { steppedClock } from '../../src/events/generator.js';
import { runCli } from '../support/cli.js';
import { readTopicWithKafkajs, startTestBroker, type TestBroker } from '../support/kafka.js';

const START = '2026-11-22T12:00:00.000Z';

describe('citystream produce --workload clickstream', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ partitions: 3 });
  });
  afterAll(async () => broker?.close());

  it('sends the seeded clickstream to topic clickstream, keyed by session', async () => {
    const result = await runCli([
      'produce',
      '--workload',
      'clickstream',
      '--brokers',
      broker.bootstrap,
      '--count',
      '300',
      '--rate',
      '0',
      '--seed',
      '9',
      '--start-time',
      START,
      '--time-step',
      '1s',
      '--invalid-fraction',
      '0.05',
      '--json',
    ]);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    const expected = new ClickstreamGenerator({
      seed: '9',
      invalidFraction: 0.05,
      clock: steppedClock(Date.parse(START), 1000),
    }).take(300);
    expect(summary).toMatchObject({
      topic: 'clickstream',
      sent: 300,
      invalid_sent: expected.filter((m) => m.kind === 'invalid').length,
      seed: '9',
    });
    const read = await readTopicWithKafkajs(broker.kafka, 'clickstream');
    const byValue = new Map(read.map((m) => [m.value, m.key]));
    expect(read).toHaveLength(300);
    for (const m of expected) expect(byValue.get(m.value)).toBe(m.key);
    // One session, one partition: the processor's session windows rely on it.
    const partitionOf = new Map<string, Set<number>>();
    for (const m of read) partitionOf.set(m.key!, (partitionOf.get(m.key!) ?? new Set()).add(m.partition));
    for (const partitions of partitionOf.values()) expect(partitions.size).toBe(1);
  });

  it('refuses the city-only generator options', async () => {
    const result = await runCli([
      'produce',
      '--workload',
      'clickstream',
      '--cities',
      'NYC',
      '--brokers',
      '127.0.0.1:1',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/city-event options/);
  });
});
