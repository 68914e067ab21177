import { describe, expect, it } from 'vitest';
import type { ApiDefinition } from '../../../src/broker/protocol/api.js';
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
import { kafkajsDecodeResponse, kafkajsRequestBody } from './kafkajs-oracle.js';

function decode<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: Buffer): Req {
  const reader = new Reader(body);
  const request = api.versions[version]!.decodeRequest(reader);
  expect(reader.remaining).toBe(0); // every byte kafkajs wrote was read
  return request;
}

function encode<Req, Res>(api: ApiDefinition<Req, Res>, version: number, response: Res): Buffer {
  const w = new Writer();
  api.versions[version]!.encodeResponse(w, response);
  return w.toBuffer();
}

/** Versions both this broker and kafkajs implement. */
function shared(api: ApiDefinition<unknown, unknown>, kafkajsMax: number): number[] {
  return Object.keys(api.versions)
    .map(Number)
    .filter((v) => v <= kafkajsMax);
}

const messages = [
  { key: 'NYC', value: '{"a":1}', timestamp: '1700000000000', headers: { source: 'test' } },
  { key: null, value: 'second' },
];

describe('Protocol', () => {
  describe('Produce', () => {
    for (const version of shared(produceApi as ApiDefinition<unknown, unknown>, 7)) {
      it(`v${version}`, async () => {
        const body = await kafkajsRequestBody('produce', version, {
          acks: -1,
          timeout: 30000,
          compression: version === 3 ? 1 : 0, // gzip once
          topicData: [{ topic: 'city-events', partitions: [{ partition: 2, messages }] }],
        });
        const request = decode(produceApi, version, body);
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
        const decoded = (await kafkajsDecodeResponse(
          'produce',
          version,
          encode(produceApi, version, response),
        )) as {
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
    for (const version of shared(fetchApi as ApiDefinition<unknown, unknown>, 11)) {
      it(`v${version}`, async () => {
        const body = await kafkajsRequestBody('fetch', version, {
          replicaId: -1,
          maxWaitTime: 500,
          minBytes: 1,
          maxBytes: 10485760,
          topics: [
            { topic: 'city-events', partitions: [{ partition: 1, fetchOffset: '99', maxBytes: 1048576 }] },
          ],
        });
        const request = decode(fetchApi, version, body);
        expect(request).toMatchObject({ maxWaitMs: 500, minBytes: 1, maxBytes: 10485760 });
        expect(request.topics).toEqual([
          {
            topic: 'city-events',
            partitions: [{ partition: 1, fetchOffset: 99, partitionMaxBytes: 1048576 }],
          },
        ]);

        // A batch exactly as a producer sent it, served back: kafkajs must decode its messages.
        const produced = decode(
          produceApi,
          3,
          await kafkajsRequestBody('produce', 3, {
            acks: 1,
            timeout: 1000,
            topicData: [{ topic: 't', partitions: [{ partition: 0, messages }] }],
          }),
        );
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
        const decoded = (await kafkajsDecodeResponse(
          'fetch',
          version,
          encode(fetchApi, version, response),
        )) as {
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
    for (const version of shared(listOffsetsApi as ApiDefinition<unknown, unknown>, 3)) {
      it(`v${version}`, async () => {
        const body = await kafkajsRequestBody('listOffsets', version, {
          replicaId: -1,
          isolationLevel: 1,
          topics: [{ topic: 'x', partitions: [{ partition: 3, timestamp: -2 }] }],
        });
        expect(decode(listOffsetsApi, version, body).topics).toEqual([
          { name: 'x', partitions: [{ partitionIndex: 3, timestamp: -2 }] },
        ]);
        const response = {
          throttleTimeMs: 0,
          topics: [
            { name: 'x', partitions: [{ partitionIndex: 3, errorCode: 0, timestamp: -1, offset: 12 }] },
          ],
        };
        const decoded = (await kafkajsDecodeResponse(
          'listOffsets',
          version,
          encode(listOffsetsApi, version, response),
        )) as {
          responses: { topic: string; partitions: { partition: number; offset: string }[] }[];
        };
        expect(decoded.responses[0]!.partitions[0]).toMatchObject({ partition: 3, offset: '12' });
      });
    }
  });

  describe('Metadata', () => {
    for (const version of shared(metadataApi as ApiDefinition<unknown, unknown>, 6)) {
      it(`v${version}`, async () => {
        const body = await kafkajsRequestBody('metadata', version, {
          topics: ['a', 'b'],
          allowAutoTopicCreation: false,
        });
        expect(decode(metadataApi, version, body)).toEqual({
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
        const decoded = (await kafkajsDecodeResponse(
          'metadata',
          version,
          encode(metadataApi, version, response),
        )) as {
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
    for (const version of shared(apiVersionsApi as ApiDefinition<unknown, unknown>, 2)) {
      it(`v${version}`, async () => {
        expect(decode(apiVersionsApi, version, await kafkajsRequestBody('apiVersions', version, {}))).toEqual(
          {},
        );
        const apiKeys = [{ apiKey: 0, minVersion: 3, maxVersion: 7 }];
        const decoded = await kafkajsDecodeResponse(
          'apiVersions',
          version,
          encode(apiVersionsApi, version, { errorCode: 0, apiKeys, throttleTimeMs: 0 }),
        );
        expect(decoded).toMatchObject({ errorCode: 0, apiVersions: apiKeys });
      });
    }
  });

  describe('CreateTopics', () => {
    for (const version of shared(createTopicsApi as ApiDefinition<unknown, unknown>, 3)) {
      it(`v${version}`, async () => {
        const body = await kafkajsRequestBody('createTopics', version, {
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
        expect(decode(createTopicsApi, version, body)).toEqual({
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
        const decoded = await kafkajsDecodeResponse(
          'createTopics',
          version,
          encode(createTopicsApi, version, response),
        );
        expect(decoded).toMatchObject({ topicErrors: [{ topic: 'new', errorCode: 0 }] });
      });
    }
  });

  describe('DeleteTopics', () => {
    for (const version of shared(deleteTopicsApi as ApiDefinition<unknown, unknown>, 1)) {
      it(`v${version}`, async () => {
        const body = await kafkajsRequestBody('deleteTopics', version, { topics: ['a', 'b'], timeout: 100 });
        expect(decode(deleteTopicsApi, version, body)).toEqual({ topicNames: ['a', 'b'], timeoutMs: 100 });
        const response = { throttleTimeMs: 0, responses: [{ name: 'a', errorCode: 0 }] };
        const decoded = await kafkajsDecodeResponse(
          'deleteTopics',
          version,
          encode(deleteTopicsApi, version, response),
        );
        expect(decoded).toMatchObject({ topicErrors: [{ topic: 'a', errorCode: 0 }] });
      });
    }
  });

  describe('InitProducerId', () => {
    for (const version of [0, 1]) {
      it(`v${version}`, async () => {
        const body = await kafkajsRequestBody('initProducerId', version, {
          transactionalId: null,
          transactionTimeout: 60000,
        });
        expect(decode(initProducerIdApi, version, body)).toEqual({
          transactionalId: null,
          transactionTimeoutMs: 60000,
        });
        const response = { throttleTimeMs: 0, errorCode: 0, producerId: 1234567890123n, producerEpoch: 3 };
        const decoded = await kafkajsDecodeResponse(
          'initProducerId',
          version,
          encode(initProducerIdApi, version, response),
        );
        expect(decoded).toMatchObject({ errorCode: 0, producerId: '1234567890123', producerEpoch: 3 });
      });
    }
  });
});
