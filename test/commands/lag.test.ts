import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLag } from '../../src/processor/group-lag.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { createTopic, startTestBroker, type TestBroker } from '../support/kafka.js';

describe('computeLag', () => {
  it('joins commits and log ends; no commit means the whole retained log', () => {
    const rows = computeLag(
      [
        {
          topic: 't',
          partitions: [
            { partition: 1, offset: '10' },
            { partition: 0, offset: '-1' },
          ],
        },
      ],
      [
        {
          topic: 't',
          partitions: [
            { partition: 1, low: '0', high: '12' },
            { partition: 0, low: '5', high: '9' },
          ],
        },
      ],
    );
    expect(rows).toEqual([
      { topic: 't', partition: 0, committed: null, logStart: 5, logEnd: 9, lag: 4 },
      { topic: 't', partition: 1, committed: 10, logStart: 0, logEnd: 12, lag: 2 },
    ]);
  });
});

describe('citystream lag', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
    await createTopic(broker.kafka, 'lag-topic', 2);
    const producer = broker.kafka.producer();
    await producer.connect();
    const messages = (partition: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ partition, key: `k${partition}`, value: `v${i}` }));
    await producer.send({ topic: 'lag-topic', messages: [...messages(0, 7), ...messages(1, 4)] });
    await producer.disconnect();
    // The group commits part of partition 0 and nothing on partition 1.
    const consumer = broker.kafka.consumer({ groupId: 'lag-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'lag-topic', fromBeginning: true });
    let committed = false;
    await new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (partition === 0 && message.offset === '4' && !committed) {
            committed = true;
            await consumer.commitOffsets([{ topic: 'lag-topic', partition: 0, offset: '5' }]);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
  });
  afterAll(async () => broker?.close());

  it('shows committed offset, log end and lag per partition, with totals (--json)', async () => {
    const result = await runCli(['lag', '--group', 'lag-group', '--brokers', broker.bootstrap, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      group: 'lag-group',
      state: 'Empty',
      partitions: [
        {
          topic: 'lag-topic',
          partition: 0,
          committed_offset: 5,
          log_start_offset: 0,
          log_end_offset: 7,
          lag: 2,
        },
        {
          topic: 'lag-topic',
          partition: 1,
          committed_offset: null,
          log_start_offset: 0,
          log_end_offset: 4,
          lag: 4,
        },
      ],
      total_lag: 6,
    });
  });

  it('renders a table', async () => {
    const result = await runCli(['lag', '--group', 'lag-group', '--brokers', broker.bootstrap]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('group lag-group (Empty)');
    expect(result.stdout).toMatch(/lag-topic\s*│\s*0\s*│\s*5\s*│\s*7\s*│\s*2/);
    expect(result.stdout).toMatch(/total\s*│\s*│\s*│\s*11\s*│\s*6/);
  });

  it('says so in one line when the group is unknown', async () => {
    const result = await runCli(['lag', '--group', 'nobody', '--brokers', broker.bootstrap]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: consumer group "nobody" not found.*\n$/);
  });

  it('says to run `citystream up` when the embedded broker does not listen', async () => {
    const port = await freePort();
    const result = await runCli(['lag'], { env: { CITYSTREAM_BROKER_PORT: String(port) } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('citystream up');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says to check --brokers when the given brokers do not listen', async () => {
    const port = await freePort();
    const result = await runCli(['lag', '--brokers', `127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('start a broker there, or correct --brokers');
    expect(result.stderr).not.toContain('citystream up');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
