import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/settings.js';
import { serializeEvent } from '../../src/events/event-schema.js';
import type { CityEvent } from '../../src/events/event.js';
import { EventGenerator, steppedClock } from '../../src/events/generator.js';
import { serveMetrics } from '../../src/clients/metrics-server.js';
import { ProcessorMetrics } from '../../src/processor/metrics.js';
import { startPipelineProcessor } from '../../src/processor/start-processor.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { createTables } from '../../src/store/tables.js';
import { runCli } from '../support/cli.js';
import {
  readTopic,
  sendAll,
  startPipelineStack,
  waitForZeroLag,
  type PipelineStack,
} from '../e2e/pipeline-stack.js';

let stack: PipelineStack;
let n = 0;

beforeAll(async () => {
  stack = await startPipelineStack({ partitions: 2 });
}, 60_000);
afterAll(async () => stack?.stop());

/** A config of its own (topic, DLQ, group, tables) on the shared stack. */
async function freshConfig(overrides: Partial<Config> = {}): Promise<Config> {
  n += 1;
  const config: Config = {
    ...stack.config,
    topic: `t${n}`,
    dlqTopic: `t${n}.dlq`,
    group: `g${n}`,
    prefix: `${stack.config.prefix}${n}-`,
    ...overrides,
  };
  await createTables(stack.client, { prefix: config.prefix, billing: { mode: 'on-demand' } });
  return config;
}

async function windows(config: Config): Promise<Array<Record<string, unknown>>> {
  const page = await stack.client.send(
    new ScanCommand({ TableName: tableNames(config.prefix).aggregations }),
  );
  return (page.Items ?? []).map((i) => unmarshall(i));
}

describe('idle partition', () => {
  it('closes the last windows of a stream that stops, within a bounded wall-clock time, even across a restart', async () => {
    // 3-second windows and watermark; events 0.5 s apart over 20 s of event time.
    const config = await freshConfig({ windowMinutes: 0.05, watermarkMinutes: 0.05 });
    const generator = new EventGenerator({ seed: 3, clock: steppedClock(Date.now() - 60_000, 500) });
    await sendAll(stack.kafka, config.topic, generator.take(40));
    const first = await startPipelineProcessor(config, { sink: 'dynamodb', tickMs: 100 });
    await waitForZeroLag(stack.kafka, config.group, config.topic);
    await first.stop();
    const before = await windows(config);
    expect(before.length).toBeGreaterThan(5);
    // The event-time watermark alone leaves the newest windows open…
    expect(before.some((w) => w.final !== true)).toBe(true);
    // …and a new processor, with no message left to read, closes them by its idle tick: idle for the
    // watermark delay (3 s), then its clock runs with the wall clock.
    const second = await startPipelineProcessor(config, { sink: 'dynamodb', tickMs: 100 });
    try {
      const deadline = Date.now() + 30_000;
      let after = before;
      while (after.some((w) => w.final !== true) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        after = await windows(config);
      }
      expect(after.filter((w) => w.final !== true)).toEqual([]);
      expect(after.map((w) => w.event_count)).toEqual(before.map((w) => w.event_count));
    } finally {
      await second.stop();
    }
  });
});

describe('citystream process', () => {
  it('runs until aborted, prints NDJSON console lines with --json --console, and commits everything', async () => {
    const config = await freshConfig();
    const generator = new EventGenerator({ seed: 5, clock: steppedClock(Date.now() - 3_600_000, 1_000) });
    await sendAll(stack.kafka, config.topic, generator.take(300));
    const controller = new AbortController();
    const env = {
      CITYSTREAM_TOPIC: config.topic,
      CITYSTREAM_DLQ_TOPIC: config.dlqTopic,
      CITYSTREAM_PREFIX: config.prefix,
      CITYSTREAM_ENDPOINT: config.endpoint,
      CITYSTREAM_BROKERS: config.brokers.join(','),
    };
    const done = runCli(['--json', 'process', '--group', config.group, '--console', '--sink', 'none'], {
      env,
      signal: controller.signal,
    });
    await waitForZeroLag(stack.kafka, config.group, config.topic);
    await new Promise((r) => setTimeout(r, 1_200)); // at least one console refresh (every second)
    controller.abort();
    const result = await done;
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { consumed: number; lag: number });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatchObject({ consumed: 300, lag: 0 });
  });
});

describe('bad input', () => {
  it('sends malformed JSON, wrong types, unknown enums, oversize and far-future events to the DLQ with reasons', async () => {
    const config = await freshConfig();
    const good: CityEvent = {
      event_id: '0b6a4c1e-0000-4000-8000-000000000001',
      event_type: 'traffic',
      city: 'NYC',
      severity: 'high',
      timestamp: new Date(Date.now() - 60_000).toISOString(),
      description: 'ok',
    };
    const cases: Array<[string, string]> = [
      ['{"event_id": "x", ', 'invalid_json'],
      ['[1,2,3]', 'not_an_object'],
      [JSON.stringify({ ...good, severity: 3 }), 'bad_type:severity'],
      [JSON.stringify({ ...good, event_type: 'parade' }), 'unknown_event_type'],
      [JSON.stringify({ ...good, severity: 'apocalyptic' }), 'unknown_severity'],
      [JSON.stringify({ ...good, description: 'x'.repeat(70 * 1024) }), 'oversize'],
      [JSON.stringify({ ...good, timestamp: '2999-01-01T00:00:00Z' }), 'timestamp_in_future'],
      [JSON.stringify({ ...good, timestamp: 'yesterday' }), 'bad_timestamp'],
      [JSON.stringify({ ...good, city: undefined }), 'missing_field:city'],
    ];
    await sendAll(stack.kafka, config.topic, [
      ...cases.map(([value]) => ({ key: 'NYC', value })),
      { key: 'NYC', value: serializeEvent(good) },
    ]);
    const metrics = new ProcessorMetrics();
    const server = await serveMetrics(metrics, 0);
    const running = await startPipelineProcessor(config, { sink: 'none', metrics });
    try {
      await waitForZeroLag(stack.kafka, config.group, config.topic);
      expect(running.processor.totals).toMatchObject({
        consumed: cases.length + 1,
        valid: 1,
        invalid: cases.length,
      });
      const text = await (await fetch(server.url)).text();
      expect(text).toMatch(/citystream_events_invalid_total\{reason="oversize"\} 1/);
      expect(text).toMatch(/citystream_dlq_total 9/);
    } finally {
      await running.stop();
      await server.close();
    }
    const dlq = await readTopic(stack.kafka, config.dlqTopic);
    const got = dlq.map((m) => [m.value, m.headers.reason]).sort();
    expect(got).toEqual([...cases].sort());
  });

  it('rejects out-of-range flags with one line and exit 2', async () => {
    for (const argv of [
      ['process', '--window', '0'],
      ['process', '--watermark', '-1'],
      ['process', '--sink', 'kafka'],
      ['process', '--metrics-port', '70000'],
      ['process', '--alert-severities', 'urgent'],
      ['up', '--rate', '-1'], // 0 is allowed: unpaced, as for produce
    ]) {
      const result = await runCli(argv, { env: {} });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines[0], argv.join(' ')).toMatch(/error|Error/);
    }
  });
});
