import { describe, expect, it } from 'vitest';
import { deleteGroupsApi } from '../../../src/broker/protocol/delete-groups/index.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { kafkajsDecodeResponse, kafkajsRequestBody, sharedVersions } from './kafkajs-oracle.js';

describe('Protocol > DeleteGroups', () => {
  for (const version of sharedVersions(deleteGroupsApi, 1)) {
    it(`v${version}`, async () => {
      const reader = new Reader(await kafkajsRequestBody('deleteGroups', version, ['g1', 'g2']));
      expect(deleteGroupsApi.versions[version]!.decodeRequest(reader)).toEqual({ groupsNames: ['g1', 'g2'] });
      expect(reader.remaining).toBe(0);

      const w = new Writer();
      deleteGroupsApi.versions[version]!.encodeResponse(w, {
        throttleTimeMs: 0,
        results: [
          { groupId: 'g1', errorCode: 0 },
          { groupId: 'g2', errorCode: 68 },
        ],
      });
      const decoded = (await kafkajsDecodeResponse('deleteGroups', version, w.toBuffer())) as {
        results: { groupId: string; errorCode: number; error?: { type: string } }[];
      };
      expect(decoded.results).toMatchObject([
        { groupId: 'g1', errorCode: 0 },
        { groupId: 'g2', errorCode: 68, error: { type: 'NON_EMPTY_GROUP' } },
      ]);
    });
  }
});
