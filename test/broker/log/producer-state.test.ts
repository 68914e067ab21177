import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultBrokerConfig } from '../../../src/broker/broker-config.js';
import { PartitionLog } from '../../../src/broker/log/partition-log.js';
import { makeBatch } from './batch-fixture.js';

let dir: string;
const quiet = (): void => {};
// Every batch rolls a new segment: a producer's last batch is then in a closed segment.
const tinySegments = { ...defaultBrokerConfig, segmentBytes: 1 };

beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'pstate-')), 't-0');
});
afterEach(async () => rm(path.dirname(dir), { recursive: true, force: true }));

describe('Log > idempotent producer state after a restart', () => {
  it('recognises a retry whose original is in a closed segment, behind another producer', async () => {
    let plog = await PartitionLog.open(dir, 't', 0, tinySegments, quiet);
    const first = await makeBatch(['a', 'b'], { producerId: 500, firstSequence: 0 });
    const retried = await makeBatch(['c'], { producerId: 500, firstSequence: 2 });
    await plog.append(Buffer.from(first), true);
    expect((await plog.append(Buffer.from(retried), true)).baseOffset).toBe(2);
    // Another producer's batch rolls the log: producer 500's batches are no longer in the active segment.
    await plog.append(await makeBatch(['x'], { producerId: 600, firstSequence: 0 }), true);
    await plog.close();

    // The broker crashed before answering producer 500, which retries against the restarted one.
    plog = await PartitionLog.open(dir, 't', 0, tinySegments, quiet);
    expect(await plog.append(Buffer.from(retried), true)).toEqual({ baseOffset: 2 });
    expect(plog.highWatermark).toBe(4);
    // Its sequence is known again: a gap is refused, the next batch is accepted.
    const gap = await makeBatch(['e'], { producerId: 500, firstSequence: 9 });
    expect((await plog.append(gap, true)).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    const next = await makeBatch(['d'], { producerId: 500, firstSequence: 3 });
    expect((await plog.append(next, true)).baseOffset).toBe(4);
    expect(plog.maxProducerId).toBe(600n);
    await plog.close();
  });
});
