import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLAIM_MODES,
  ClaimWriter,
  claimItemKey,
  isClaimItem,
  type Claim,
  type ClaimOutcome,
} from '../../src/store/claim-writer.js';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { ServiceError } from '../../src/errors.js';
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

const won: ClaimOutcome = { status: 'won' };

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`ClaimWriter on ${ep.name}`, () => {
    let writer: ClaimWriter;
    let table: string;
    const writers: Record<string, ClaimWriter> = {};
    beforeAll(async () => {
      await createTables(ep.client, {
        prefix: ep.config.prefix,
        billing: { mode: 'on-demand' },
        kinds: ['raw-events'],
        pollMs: 20,
      });
      table = tableNames(ep.config.prefix).rawEvents;
      writer = new ClaimWriter(ep.client, table, { policy: FAST });
      for (const mode of CLAIM_MODES)
        writers[mode] = new ClaimWriter(ep.client, table, { policy: FAST, mode });
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

    for (const mode of CLAIM_MODES) {
      it(`${mode}: a batch of 250 with copies of stored claims, a replay and an expired claim is decided claim by claim, in input order`, async () => {
        const w = writers[mode]!;
        const stored = Array.from({ length: 13 }, () => claim({ delivery: 'city-events/4/1' }));
        const expired = claim({ expiresAt: NOW - 10 });
        expect(await w.claimAll([...stored, expired], NOW - 20)).toEqual(
          Array.from({ length: 14 }, () => won),
        );
        // Copies at scattered places, so most transactions of 100 hold some and are cancelled once.
        const batch: Claim[] = Array.from({ length: 250 }, () => claim());
        const copyAt = [3, 7, 99, 100, 101, 150, 151, 199, 200, 230, 248, 249];
        copyAt.forEach(
          (at, k) => (batch[at] = { ...stored[k]!, delivery: `city-events/5/${at}`, hash: 'h2' }),
        );
        batch[20] = { ...expired, delivery: 'city-events/5/20', expiresAt: NOW + 50 }; // takes the dead claim over
        batch[30] = { ...stored[12]! }; // the claiming delivery itself, replayed: wins again
        const outcomes = await w.claimAll(batch, NOW);
        batch.forEach((c, i) => {
          const k = copyAt.indexOf(i);
          if (k < 0) return expect(outcomes[i], `claim ${i}`).toEqual(won);
          const winner = stored[k]!;
          expect(outcomes[i], `claim ${i}`).toEqual({
            status: 'taken',
            stored: { delivery: winner.delivery, hash: winner.hash, expiresAt: winner.expiresAt },
          });
        });
        const deliveryOf = async (id: string) =>
          unmarshall(
            (
              await ep.client.send(
                new GetItemCommand({
                  TableName: table,
                  Key: marshall(claimItemKey(id)),
                  ConsistentRead: true,
                }),
              )
            ).Item!,
          ).d as string;
        expect(await deliveryOf(expired.eventId)).toBe('city-events/5/20');
        for (const k of [0, 5, 11]) expect(await deliveryOf(stored[k]!.eventId)).toBe('city-events/4/1');
        expect(await deliveryOf(batch[247]!.eventId)).toBe(batch[247]!.delivery);
      });

      it(`${mode}: racing writers with overlapping batches: each id is won by exactly one delivery`, async () => {
        const ids = Array.from({ length: 60 }, () => claim().eventId);
        // Five writers (as five processes would be), each claiming all 60 ids from its own partition,
        // in its own order, so transactions collide on many items at once.
        const racers = Array.from({ length: 5 }, (_, r) =>
          ids
            .map((eventId, k) => ({
              eventId,
              delivery: `city-events/${r}/${k}`,
              hash: `h${r}`,
              expiresAt: NOW + 999,
            }))
            .sort((a, b) => ((a.eventId.length * 7 + r) % 5) - ((b.eventId.length * 7 + r) % 5)),
        );
        const results = await Promise.all(
          racers.map((list) => new ClaimWriter(ep.client, table, { policy: FAST, mode }).claimAll(list, NOW)),
        );
        for (const eventId of ids) {
          const seen = racers.map((list, r) => {
            const k = list.findIndex((c) => c.eventId === eventId);
            return { claim: list[k]!, outcome: results[r]![k]! };
          });
          const winners = seen.filter((s) => s.outcome.status === 'won');
          expect(winners, eventId).toHaveLength(1);
          for (const s of seen)
            if (s.outcome.status === 'taken')
              expect(s.outcome.stored.delivery).toBe(winners[0]!.claim.delivery);
        }
      });
    }
  });
}

describe('ClaimWriter against an endpoint without TransactWriteItems', () => {
  it('says so in one line and names --dedupe-claims single', async () => {
    // A stand-in for an emulator that lacks the operation: it answers every request as DynamoDB
    // answers an unknown one (400, UnknownOperationException).
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazon.coral.service#UnknownOperationException' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const client = createDynamoClient(
      { target: 'local', endpoint: `http://127.0.0.1:${port}`, region: 'local' },
      { maxAttempts: 1 },
    );
    try {
      const err = await new ClaimWriter(client, 'raw', { policy: FAST })
        .claimAll([claim()], NOW)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).message).toBe(
        'the DynamoDB endpoint has no TransactWriteItems for the event claims',
      );
      expect((err as ServiceError).hint).toMatch(/--dedupe-claims single/);
    } finally {
      client.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
