import { describe, expect, it } from 'vitest';
import type { ApiDefinition } from '../../../src/broker/protocol/api-definition.js';
import { apiVersionsApi } from '../../../src/broker/protocol/api-versions/index.js';
import { createTopicsApi } from '../../../src/broker/protocol/create-topics/index.js';
import { deleteTopicsApi } from '../../../src/broker/protocol/delete-topics/index.js';
import { fetchApi } from '../../../src/broker/protocol/fetch/index.js';
import { initProducerIdApi } from '../../../src/broker/protocol/init-producer-id/index.js';
import { listOffsetsApi } from '../../../src/broker/protocol/list-offsets/index.js';
import { metadataApi } from '../../../src/broker/protocol/metadata/index.js';
import { produceApi } from '../../../src/broker/protocol/produce/index.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { splitAndValidate } from '../../../src/broker/log/record-batch.js';
import { kafkajsDecodeResponse, kafkajsRequestBody, sharedVersions } from './kafkajs-oracle.js';

/** kafkajs encodes the request; our codec decodes it and must read every byte kafkajs wrote. */
async function decodeOurs<Req, Res>(
  api: ApiDefinition<Req, Res>,
  name: string,
  version: number,
  args: object,
): Promise<Req> {
  const reader = new Reader(await kafkajsRequestBody(name, version, args));
  const request = api.versions[version]!.decodeRequest(reader);
  expect(reader.remaining).toBe(0);
  return request;
}

/** Our codec encodes the response; kafkajs decodes it. */
function decodeTheirs<Req, Res>(
  api: ApiDefinition<Req, Res>,
  name: string,
  version: number,
  response: Res,
): Promise<unknown> {
  const w = new Writer();
  api.versions[version]!.encodeResponse(w, response);
  return kafkajsDecodeResponse(name, version, w.toBuffer());
}

const messages = [
  { key: 'NYC', value: '{"a":1}', timestamp: '1700000000000', headers: { source: 'test' } },
  { key: null, value: 'second' },
];

describe('Protocol', () => {
  describe('Produce', () => {
    for (const version of sharedVersions(produceApi, 7)) {
      it(`v${version}`, async () => {
        const request = await decodeOurs(produceApi, 'produce', version, {
          acks: -1,
          timeout: 30000,
          compression: version === 3 ? 1 : 0, // gzip once
          topicData: [{ topic: 'city-events', partitions: [{ partition: 2, messages }] }],
        });
        expect(request).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30000 });
        const [topic] = request.topicData;
        expect(topic?.name).toBe('city-events');
        expect(topic?.partitionData[0]?.index).toBe(2);
        // kafkajs's batch passes the broker's own validation (CRC-32C, record count, gzip).
        expect(splitAndValidate(topic!.partitionData[0]!.records!, 1 << 20)).toHaveLength(1);

        const response = {
          responses: [
            {
              name: 'city-events',
              partitionResponses: [
                { index: 2, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1, logStartOffset: 7 },
              ],
            },
          ],
          throttleTimeMs: 0,
        };
        const decoded = (await decodeTheirs(produceApi, 'produce', version, response)) as {
          topics: {
            topicName: string;
            partitions: {
              partition: number;
              errorCode: number;
              baseOffset: string;
              logStartOffset?: string;
            }[];
          }[];
        };
        const p = decoded.topics[0]!.partitions[0]!;
        expect(decoded.topics[0]!.topicName).toBe('city-events');
        expect(p).toMatchObject({ partition: 2, errorCode: 0, baseOffset: '42' });
        if (version >= 5) expect(p.logStartOffset).toBe('7');
      });
    }
  });

  describe('Fetch', () => {
    for (const version of sharedVersions(fetchApi, 11)) {
      it(`v${version}`, async () => {
        const request = await decodeOurs(fetchApi, 'fetch', version, {
          replicaId: -1,
          maxWaitTime: 500,
          minBytes: 1,
          maxBytes: 10485760,
          topics: [
            { topic: 'city-events', partitions: [{ partition: 1, fetchOffset: '99', maxBytes: 1048576 }] },
          ],
        });
        expect(request).toMatchObject({ maxWaitMs: 500, minBytes: 1, maxBytes: 10485760 });
        expect(request.topics).toEqual([
          {
            topic: 'city-events',
            partitions: [{ partition: 1, fetchOffset: 99, partitionMaxBytes: 1048576 }],
          },
        ]);

        // A batch exactly as a producer sent it, served back: kafkajs must decode its messages.
        const produced = await decodeOurs(produceApi, 'produce', 3, {
          acks: 1,
          timeout: 1000,
          topicData: [{ topic: 't', partitions: [{ partition: 0, messages }] }],
        });
        const records = produced.topicData[0]!.partitionData[0]!.records!;
        const response = {
          throttleTimeMs: 0,
          errorCode: 0,
          sessionId: 0,
          responses: [
            {
              topic: 'city-events',
              partitions: [
                {
                  partitionIndex: 1,
                  errorCode: 0,
                  highWatermark: 2,
                  lastStableOffset: 2,
                  logStartOffset: 0,
                  records,
                },
              ],
            },
          ],
        };
        const decoded = (await decodeTheirs(fetchApi, 'fetch', version, response)) as {
          responses: {
            topicName: string;
            partitions: {
              partition: number;
              highWatermark: string;
              messages: { key: Buffer | null; value: Buffer; offset: string }[];
            }[];
          }[];
        };
        const p = decoded.responses[0]!.partitions[0]!;
        expect(p.highWatermark).toBe('2');
        expect(p.messages.map((m) => [m.key?.toString() ?? null, m.value.toString(), m.offset])).toEqual([
          ['NYC', '{"a":1}', '0'],
          [null, 'second', '1'],
        ]);
      });
    }
  });

  describe('ListOffsets', () => {
    for (const version of sharedVersions(listOffsetsApi, 3)) {
      it(`v${version}`, async () => {
        const request = await decodeOurs(listOffsetsApi, 'listOffsets', version, {
          replicaId: -1,
          isolationLevel: 1,
          topics: [{ topic: 'x', partitions: [{ partition: 3, timestamp: -2 }] }],
        });
        expect(request.topics).toEqual([{ name: 'x', partitions: [{ partitionIndex: 3, timestamp: -2 }] }]);
        const response = {
          throttleTimeMs: 0,
          topics: [
            { name: 'x', partitions: [{ partitionIndex: 3, errorCode: 0, timestamp: -1, offset: 12 }] },
          ],
        };
        const decoded = (await decodeTheirs(listOffsetsApi, 'listOffsets', version, response)) as {
          responses: { topic: string; partitions: { partition: number; offset: string }[] }[];
        };
        expect(decoded.responses[0]!.partitions[0]).toMatchObject({ partition: 3, offset: '12' });
      });
    }
  });

  describe('Metadata', () => {
    for (const version of sharedVersions(metadataApi, 6)) {
      it(`v${version}`, async () => {
        const request = await decodeOurs(metadataApi, 'metadata', version, {
          topics: ['a', 'b'],
          allowAutoTopicCreation: false,
        });
        expect(request).toEqual({
          topics: ['a', 'b'],
          allowAutoTopicCreation: version >= 4 ? false : true,
        });
        const response = {
          throttleTimeMs: 0,
          brokers: [{ nodeId: 0, host: 'localhost', port: 9092, rack: null }],
          clusterId: 'c1',
          controllerId: 0,
          topics: [
            {
              errorCode: 0,
              name: 'a',
              isInternal: false,
              partitions: [
                {
                  errorCode: 0,
                  partitionIndex: 0,
                  leaderId: 0,
                  leaderEpoch: 0,
                  replicaNodes: [0],
                  isrNodes: [0],
                },
              ],
            },
          ],
        };
        const decoded = (await decodeTheirs(metadataApi, 'metadata', version, response)) as {
          brokers: { nodeId: number; host: string; port: number }[];
          topicMetadata: { topic: string; partitionMetadata: { partitionId: number; leader: number }[] }[];
        };
        expect(decoded.brokers).toMatchObject([{ nodeId: 0, host: 'localhost', port: 9092 }]);
        expect(decoded.topicMetadata[0]).toMatchObject({
          topic: 'a',
          partitionMetadata: [{ partitionId: 0, leader: 0 }],
        });
      });
    }
  });

  describe('ApiVersions', () => {
    for (const version of sharedVersions(apiVersionsApi, 2)) {
      it(`v${version}`, async () => {
        expect(await decodeOurs(apiVersionsApi, 'apiVersions', version, {})).toEqual({});
        const apiKeys = [{ apiKey: 0, minVersion: 3, maxVersion: 7 }];
        const decoded = await decodeTheirs(apiVersionsApi, 'apiVersions', version, {
          errorCode: 0,
          apiKeys,
          throttleTimeMs: 0,
        });
        expect(decoded).toMatchObject({ errorCode: 0, apiVersions: apiKeys });
      });
    }
  });

  describe('CreateTopics', () => {
    for (const version of sharedVersions(createTopicsApi, 3)) {
      it(`v${version}`, async () => {
        const request = await decodeOurs(createTopicsApi, 'createTopics', version, {
          topics: [
            {
              topic: 'new',
              numPartitions: 4,
              replicationFactor: 1,
              configEntries: [{ name: 'retention.ms', value: '1000' }],
            },
          ],
          validateOnly: true,
          timeout: 5000,
        });
        expect(request).toEqual({
          topics: [
            {
              name: 'new',
              numPartitions: 4,
              replicationFactor: 1,
              assignments: [],
              configs: [{ name: 'retention.ms', value: '1000' }],
            },
          ],
          timeoutMs: 5000,
          validateOnly: version >= 1,
        });
        const response = { throttleTimeMs: 0, topics: [{ name: 'new', errorCode: 0, errorMessage: null }] };
        const decoded = await decodeTheirs(createTopicsApi, 'createTopics', version, response);
        expect(decoded).toMatchObject({ topicErrors: [{ topic: 'new', errorCode: 0 }] });
      });
    }
  });

  describe('DeleteTopics', () => {
    for (const version of sharedVersions(deleteTopicsApi, 1)) {
      it(`v${version}`, async () => {
        const request = await decodeOurs(deleteTopicsApi, 'deleteTopics', version, {
          topics: ['a', 'b'],
          timeout: 100,
        });
        expect(request).toEqual({ topicNames: ['a', 'b'], timeoutMs: 100 });
        const response = { throttleTimeMs: 0, responses: [{ name: 'a', errorCode: 0 }] };
        const decoded = await decodeTheirs(deleteTopicsApi, 'deleteTopics', version, response);
        expect(decoded).toMatchObject({ topicErrors: [{ topic: 'a', errorCode: 0 }] });
      });
    }
  });

  describe('InitProducerId', () => {
    for (const version of [0, 1]) {
      it(`v${version}`, async () => {
        const request = await decodeOurs(initProducerIdApi, 'initProducerId', version, {
          transactionalId: null,
          transactionTimeout: 60000,
        });
        expect(request).toEqual({
          transactionalId: null,
          transactionTimeoutMs: 60000,
        });
        const response = { throttleTimeMs: 0, errorCode: 0, producerId: 1234567890123n, producerEpoch: 3 };
        const decoded = await decodeTheirs(initProducerIdApi, 'initProducerId', version, response);
        expect(decoded).toMatchObject({ errorCode: 0, producerId: '1234567890123', producerEpoch: 3 });
      });
    }
  });
});
