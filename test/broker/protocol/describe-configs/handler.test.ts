import { describe, expect, it } from 'vitest';
import { defaultBrokerConfig } from '../../../../src/broker/broker-config.js';
import type { HandlerContext } from '../../../../src/broker/protocol/api-definition.js';
import { describeConfigsHandler } from '../../../../src/broker/protocol/describe-configs/handler.js';
import {
  ConfigSource,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
} from '../../../../src/broker/protocol/describe-configs/index.js';
import { ErrorCode } from '../../../../src/broker/protocol/error-codes.js';

/** Just what the handler reads of the broker: its id, data directory, settings and topics. */
const ctx = {
  broker: {
    nodeId: 0,
    dataDir: '/data',
    config: { ...defaultBrokerConfig, retentionMs: 2 * 60 * 60 * 1000 },
    topics: { partitionCount: (t: string) => (t === 'events' ? 6 : undefined) },
  },
} as unknown as HandlerContext;

async function describeConfigs(
  resources: DescribeConfigsRequest['resources'],
  options: Partial<DescribeConfigsRequest> = {},
): Promise<DescribeConfigsResponse['results']> {
  const request = { resources, includeSynonyms: false, includeDocumentation: false, ...options };
  return ((await describeConfigsHandler.handle(request, ctx)) as DescribeConfigsResponse).results;
}

describe('Protocol > DescribeConfigs > handler', () => {
  it("answers a topic's configs with the values this broker applies, read-only", async () => {
    const [topic] = await describeConfigs([
      { resourceType: 2, resourceName: 'events', configurationKeys: null },
    ]);
    const values = Object.fromEntries(topic!.configs.map((c) => [c.name, c.value]));
    expect(values).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': '7200000',
      'retention.bytes': '-1',
      'segment.bytes': String(64 * 1024 * 1024),
      'segment.ms': '3600000',
      'min.insync.replicas': '1',
    });
    expect(topic!.configs.every((c) => c.readOnly && c.synonyms.length === 0)).toBe(true);
    const source = (name: string) => topic!.configs.find((c) => c.name === name)?.source;
    expect(source('cleanup.policy')).toBe(ConfigSource.default); // Kafka's default too
    expect(source('retention.ms')).toBe(ConfigSource.staticBroker); // Kafka's default is 7 days
  });

  it('filters by key (an empty list is every key, as in Kafka) and adds synonyms and docs when asked', async () => {
    const [some, all] = await describeConfigs(
      [
        { resourceType: 2, resourceName: 'events', configurationKeys: ['retention.ms', 'no.such.config'] },
        { resourceType: 4, resourceName: '0', configurationKeys: [] },
      ],
      { includeSynonyms: true, includeDocumentation: true },
    );
    expect(some!.configs).toEqual([
      expect.objectContaining({
        name: 'retention.ms',
        synonyms: [{ name: 'log.retention.ms', value: '7200000', source: ConfigSource.staticBroker }],
        documentation: expect.stringMatching(/deleted/),
      }),
    ]);
    const broker = Object.fromEntries(all!.configs.map((c) => [c.name, c.value]));
    expect(broker).toMatchObject({
      'broker.id': '0',
      'num.partitions': '6',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'log.retention.ms': '7200000',
      'log.cleanup.policy': 'delete',
      'log.dirs': '/data',
    });
  });

  it('answers errors per resource as Kafka does', async () => {
    const results = await describeConfigs([
      { resourceType: 2, resourceName: 'missing', configurationKeys: null },
      { resourceType: 2, resourceName: 'bad/name', configurationKeys: null },
      { resourceType: 4, resourceName: '7', configurationKeys: null },
      { resourceType: 4, resourceName: '', configurationKeys: null },
      { resourceType: 8, resourceName: '0', configurationKeys: null },
    ]);
    expect(results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
      ['7', ErrorCode.INVALID_REQUEST, 0],
      ['', ErrorCode.NONE, 0], // cluster-wide dynamic defaults: there are none
      ['0', ErrorCode.INVALID_REQUEST, 0], // broker loggers are not described
    ]);
  });
});
