import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker } from '../../src/broker/broker.js';
import { createKafka } from '../../src/clients/kafka.js';
import { produceEvents, type ProduceProgress } from '../../src/events/producer.js';
import {
  hasKcat,
  readTopicWithKafkajs,
  readTopicWithKcat,
  startTestBroker,
  type TestBroker,
} from '../support/kafka.js';

describe('produceEvents', () => {
  let broker: TestBroker;
  let kcat = false;
  beforeAll(async () => {
    kcat = await hasKcat();
    broker = await startTestBroker({ partitions: 2 });
  });
  afterAll(async () => broker?.close());

  it('uses the idempotent producer and reports progress', async () => {
    const progress: ProduceProgress[] = [];
    const summary = await produceEvents({
      kafka: broker.kafka,
      topic: 'lib-basic',
      generator: { seed: 1 },
      count: 120,
      rate: 0,
      batchSize: 50,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p),
    });
    expect(summary).toMatchObject({ sent: 120, errors: 0, idempotent: true, stoppedBy: 'count', seed: 1 });
    expect(progress.map((p) => p.sent)).toEqual([50, 100, 120, 120]);
  });

  it('is read back identically by kafkajs and by kcat', async (test) => {
    if (!kcat) test.skip();
    const viaKafkajs = await readTopicWithKafkajs(broker.kafka, 'lib-basic');
    expect(viaKafkajs).toHaveLength(120);
    expect(viaKafkajs).toEqual(await readTopicWithKcat(broker.bootstrap, 'lib-basic'));
  });

  it('sends no message scheduled after the end of the duration', async () => {
    const summary = await produceEvents({
      kafka: broker.kafka,
      topic: 'lib-duration',
      generator: { seed: 2 },
      durationMs: 300,
      rate: 100,
    });
    expect(summary.stoppedBy).toBe('duration');
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.sent).toBeLessThanOrEqual(30);
  });

  it('stops when the signal aborts and says so', async () => {
    const controller = new AbortController();
    const summary = await produceEvents({
      kafka: broker.kafka,
      topic: 'lib-abort',
      generator: { seed: 3 },
      rate: 20,
      // One message a batch, so a late loop (a loaded machine) cannot send the third and fourth together.
      batchSize: 1,
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.sent >= 3) controller.abort();
      },
    });
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.sent).toBe(3);
  });

  it('survives a broker restart: every message exactly once', async (test) => {
    if (!kcat) test.skip();
    const port = broker.broker.port;
    const kafka = createKafka({ brokers: [broker.bootstrap], clientId: 'restart-test' });
    let restarted: Promise<void> | undefined;
    const summary = await produceEvents({
      kafka,
      topic: 'lib-restart',
      generator: { seed: 4 },
      count: 400,
      rate: 400,
      batchSize: 20,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.sent >= 100 && !restarted)
          restarted = (async () => {
            await broker.broker.close();
            broker.broker = await startBroker({
              dataDir: broker.dataDir,
              host: '127.0.0.1',
              port,
              partitions: 2,
            });
          })();
      },
    });
    expect(restarted).toBeDefined();
    await restarted;
    expect(summary).toMatchObject({ sent: 400, errors: 0 });
    const read = await readTopicWithKcat(broker.bootstrap, 'lib-restart');
    const ids = read.map((m) => JSON.parse(m.value ?? '{}').event_id as string);
    expect(ids).toHaveLength(400);
    expect(new Set(ids).size).toBe(400);
  });
});
