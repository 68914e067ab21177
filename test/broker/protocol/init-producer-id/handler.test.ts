import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultBrokerConfig } from '../../../../src/broker/broker-config.js';
import { PartitionLog } from '../../../../src/broker/log/partition-log.js';
import type { HandlerContext } from '../../../../src/broker/protocol/api-definition.js';
import { initProducerIdHandler } from '../../../../src/broker/protocol/init-producer-id/handler.js';
import { makeBatch } from '../../log/batch-fixture.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Just what the handler reads of the broker: its partitions. */
function contextWith(partitions: PartitionLog[]): HandlerContext {
  return { broker: { topics: { allPartitions: () => partitions } } } as unknown as HandlerContext;
}

describe('InitProducerId', () => {
  it('never hands out an id at or below one already in the log, whatever the clock says', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pid-'));
    const plog = await PartitionLog.open(path.join(dir, 't-0'), 't', 0, defaultBrokerConfig, () => {});
    // An id far above what the clock gives now: as if the clock had been set back since it was issued.
    const seen = 2n ** 60n;
    await plog.append(await makeBatch(['a'], { producerId: Number(seen), firstSequence: 0 }), true);
    const request = { transactionalId: null, transactionTimeoutMs: 60_000 };
    const first = await initProducerIdHandler.handle(request, contextWith([plog]));
    const second = await initProducerIdHandler.handle(request, contextWith([plog]));
    expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    const ids = [first, second].map((r) => (r as { producerId: bigint }).producerId);
    expect(ids[0]).toBeGreaterThan(seen);
    expect(ids[1]).toBeGreaterThan(ids[0]!);
    await plog.close();
  });

  it('refuses a transactional id', async () => {
    const res = await initProducerIdHandler.handle(
      { transactionalId: 'tx', transactionTimeoutMs: 60_000 },
      contextWith([]),
    );
    expect(res).toMatchObject({ errorCode: 53, producerId: -1n });
  });
});
