import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClaimWriter, claimItemKey, isClaimItem, type Claim } from '../../src/store/claim-writer.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { createTables } from '../../src/store/tables.js';
import { dynamoEndpoints } from '../support/dynamo-endpoints.js';

const FAST = { baseMs: 1, capMs: 4, totalMs: 10_000 };
const NOW = 1_800_000_000;

let counter = 0;
function claim(overrides: Partial<Claim> = {}): Claim {
  counter += 1;
  return {
    eventId: `ev-${counter}`,
    delivery: 'city-events/0/10',
    hash: 'h1',
    expiresAt: NOW + 86_400,
    ...overrides,
  };
}

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`ClaimWriter on ${ep.name}`, () => {
    let writer: ClaimWriter;
    let table: string;
    beforeAll(async () => {
      await createTables(ep.client, {
        prefix: ep.config.prefix,
        billing: { mode: 'on-demand' },
        kinds: ['raw-events'],
        pollMs: 20,
      });
      table = tableNames(ep.config.prefix).rawEvents;
      writer = new ClaimWriter(ep.client, table, { policy: FAST });
    });

    it('a first claim wins and is stored under dedupe#<event_id> with the delivery, hash and TTL', async () => {
      const c = claim();
      expect(await writer.claim(c, NOW)).toEqual({ status: 'won' });
      const { Item } = await ep.client.send(
        new GetItemCommand({
          TableName: table,
          Key: marshall(claimItemKey(c.eventId)),
          ConsistentRead: true,
        }),
      );
      const stored = unmarshall(Item!);
      expect(stored).toEqual({
        event_id: `dedupe#${c.eventId}`,
        timestamp: 'claim',
        d: c.delivery,
        h: c.hash,
        expires_at: c.expiresAt,
      });
      expect(isClaimItem(stored)).toBe(true);
    });

    it('a replay of the claiming delivery wins again; any other delivery is refused and told the winner', async () => {
      const c = claim();
      expect(await writer.claim(c, NOW)).toEqual({ status: 'won' });
      expect(await writer.claim(c, NOW + 5)).toEqual({ status: 'won' });
      const winner = { delivery: c.delivery, hash: c.hash, expiresAt: c.expiresAt };
      // Same content from another offset, and other content from another partition.
      expect(await writer.claim({ ...c, delivery: 'city-events/0/11' }, NOW)).toEqual({
        status: 'taken',
        stored: winner,
      });
      expect(
        await writer.claim(
          { ...c, delivery: 'city-events/3/2', hash: 'h2', expiresAt: c.expiresAt + 9 },
          NOW,
        ),
      ).toEqual({ status: 'taken', stored: winner });
      // The same partition and offset of another topic is another delivery.
      expect((await writer.claim({ ...c, delivery: 'other-topic/0/10' }, NOW)).status).toBe('taken');
    });

    it('an expired claim (past the horizon) is taken over by the next copy', async () => {
      const c = claim({ expiresAt: NOW - 1 });
      expect(await writer.claim(c, NOW)).toEqual({ status: 'won' });
      const later = { ...c, delivery: 'city-events/1/5', expiresAt: NOW + 100 };
      expect(await writer.claim(later, NOW)).toEqual({ status: 'won' });
      expect(await writer.claim({ ...c, expiresAt: NOW + 100 }, NOW)).toEqual({
        status: 'taken',
        stored: { delivery: 'city-events/1/5', hash: 'h1', expiresAt: NOW + 100 },
      });
    });

    it('claims many ids in parallel, outcomes in input order; racing copies of one id: exactly one wins', async () => {
      const fresh = Array.from({ length: 40 }, () => claim());
      const outcomes = await writer.claimAll(fresh, NOW);
      expect(outcomes.every((o) => o.status === 'won')).toBe(true);
      const id = claim().eventId;
      const racers = Array.from({ length: 10 }, (_, i) => ({
        ...claim(),
        eventId: id,
        delivery: `city-events/${i}/0`,
        hash: `h${i}`,
      }));
      // Separate writers, as separate processes would be.
      const results = await Promise.all(
        racers.map((r) => new ClaimWriter(ep.client, table, { policy: FAST }).claim(r, NOW)),
      );
      const won = results.filter((r) => r.status === 'won');
      expect(won).toHaveLength(1);
      const winner = racers[results.findIndex((r) => r.status === 'won')]!;
      for (const r of results) if (r.status === 'taken') expect(r.stored.delivery).toBe(winner.delivery);
    });
  });
}
