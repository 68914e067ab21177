import { describe, expect, it } from 'vitest';
import {
  ConfigSource,
  ConfigType,
  describeConfigsApi,
  ResourceType,
  type DescribeConfigsResponse,
} from '../../../src/broker/protocol/describe-configs/index.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { kafkajsDecodeResponse, kafkajsRequestBody, sharedVersions } from './kafkajs-oracle.js';

const response: DescribeConfigsResponse = {
  throttleTimeMs: 0,
  results: [
    {
      errorCode: 0,
      errorMessage: null,
      resourceType: ResourceType.topic,
      resourceName: 'city-events',
      configs: [
        {
          name: 'retention.ms',
          value: '86400000',
          readOnly: true,
          source: ConfigSource.staticBroker,
          isSensitive: false,
          synonyms: [{ name: 'log.retention.ms', value: '86400000', source: ConfigSource.staticBroker }],
          configType: ConfigType.long,
          documentation: 'doc',
        },
        {
          name: 'cleanup.policy',
          value: 'delete',
          readOnly: true,
          source: ConfigSource.default,
          isSensitive: false,
          synonyms: [],
          configType: ConfigType.list,
          documentation: null,
        },
      ],
    },
    { errorCode: 3, errorMessage: 'no such topic', resourceType: 2, resourceName: 'missing', configs: [] },
  ],
};

function encode(version: number): Buffer {
  const w = new Writer();
  describeConfigsApi.versions[version]!.encodeResponse(w, response);
  return w.toBuffer();
}

describe('Protocol > DescribeConfigs', () => {
  for (const version of sharedVersions(describeConfigsApi, 2)) {
    it(`v${version}`, async () => {
      const body = await kafkajsRequestBody('describeConfigs', version, {
        resources: [
          { type: ResourceType.topic, name: 'city-events', configNames: ['retention.ms'] },
          { type: ResourceType.broker, name: '0' },
        ],
        includeSynonyms: true,
      });
      const reader = new Reader(body);
      expect(describeConfigsApi.versions[version]!.decodeRequest(reader)).toEqual({
        resources: [
          { resourceType: 2, resourceName: 'city-events', configurationKeys: ['retention.ms'] },
          { resourceType: 4, resourceName: '0', configurationKeys: null }, // kafkajs sends no list as null,
        ],
        includeSynonyms: version >= 1,
        includeDocumentation: false,
      });
      expect(reader.remaining).toBe(0);

      const decoded = (await kafkajsDecodeResponse('describeConfigs', version, encode(version))) as {
        resources: { errorCode: number; resourceName: string; configEntries: Record<string, unknown>[] }[];
      };
      const [topic, missing] = decoded.resources;
      expect(missing).toMatchObject({ errorCode: 3, resourceName: 'missing', configEntries: [] });
      expect(topic!.configEntries).toEqual([
        expect.objectContaining({
          configName: 'retention.ms',
          configValue: '86400000',
          readOnly: true,
          isDefault: false,
          // v0 carries only is_default; kafkajs then guesses TOPIC_CONFIG for a topic's other configs.
          configSource: version >= 1 ? ConfigSource.staticBroker : ConfigSource.dynamicTopic,
          isSensitive: false,
          ...(version >= 1
            ? {
                configSynonyms: [
                  { configName: 'log.retention.ms', configValue: '86400000', configSource: 4 },
                ],
              }
            : {}),
        }),
        expect.objectContaining({ configName: 'cleanup.policy', isDefault: true, configSource: 5 }),
      ]);
    });
  }

  it('v3 (beyond kafkajs) reads include_documentation and writes config_type and documentation', () => {
    const request = new Writer()
      .int32(1)
      .int8(2)
      .string('t')
      .int32(-1) // configuration_keys: null
      .boolean(false)
      .boolean(true)
      .toBuffer();
    const reader = new Reader(request);
    expect(describeConfigsApi.versions[3]!.decodeRequest(reader)).toEqual({
      resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: true,
    });
    expect(reader.remaining).toBe(0);

    // v3 is v1's layout with config_type and documentation after each config's synonyms.
    const v1 = new Reader(encode(1));
    const v3 = new Reader(encode(3));
    const sameUpTo = (n: number) => expect(v3.raw(n)).toEqual(v1.raw(n));
    // throttle, results count, error, null message, type, name, configs count
    sameUpTo(4 + 4 + 2 + 2 + 1 + 2 + 'city-events'.length + 4);
    const firstConfig = 2 + 'retention.ms'.length + 2 + 8 + 1 + 1 + 1 + 4;
    sameUpTo(firstConfig + 2 + 'log.retention.ms'.length + 2 + 8 + 1);
    expect(v3.int8()).toBe(ConfigType.long);
    expect(v3.nullableString()).toBe('doc');
  });
});
