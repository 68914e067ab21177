import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultBrokerConfig } from '../../../src/broker/broker-config.js';
import type { BrokerConfig } from '../../../src/broker/broker-state.js';
import { PartitionLog } from '../../../src/broker/log/partition-log.js';
import { readBatchHeader, splitAndValidate } from '../../../src/broker/log/record-batch.js';
import { makeBatch } from './batch-fixture.js';

let dir: string;
const lines: string[] = [];
const log = (l: string): void => void lines.push(l);
const config = (over: Partial<BrokerConfig> = {}): BrokerConfig => ({ ...defaultBrokerConfig, ...over });
/** Partition t-0 in the test's directory, with the default config but for `over`. */
const openLog = (over: Partial<BrokerConfig> = {}): Promise<PartitionLog> =>
  PartitionLog.open(dir, 't', 0, config(over), log);
/** How many segment files the partition has on disk. */
const segmentFiles = async (): Promise<number> =>
  (await readdir(dir)).filter((f) => f.endsWith('.log')).length;

beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'plog-')), 't-0');
  lines.length = 0;
});
afterEach(async () => rm(path.dirname(dir), { recursive: true, force: true }));

/** Every record offset in the log, read back batch by batch. */
async function offsetsOf(plog: PartitionLog): Promise<number[]> {
  const offsets: number[] = [];
  let next = plog.logStartOffset;
  while (next < plog.highWatermark) {
    const { records } = await plog.read(next, 1 << 20);
    for (const batch of splitAndValidate(records, 1 << 20)) {
      const h = readBatchHeader(batch);
      for (let o = h.baseOffset; o <= h.baseOffset + h.lastOffsetDelta; o++) if (o >= next) offsets.push(o);
      next = h.baseOffset + h.lastOffsetDelta + 1;
    }
  }
  return offsets;
}

/** Writes batches 'one' and 'two' to a fresh log and closes it; returns its (only) segment file. */
async function twoBatchesOnDisk(): Promise<string> {
  const plog = await openLog();
  await plog.append(await makeBatch(['one']), true);
  await plog.append(await makeBatch(['two']), true);
  await plog.close();
  return path.join(dir, '00000000000000000000.log');
}

describe('Log > partition log', () => {
  it('assigns consecutive offsets and serves whole batches from any offset inside them', async () => {
    const plog = await openLog();
    expect((await plog.append(await makeBatch(['a', 'b', 'c']), true)).baseOffset).toBe(0);
    expect((await plog.append(await makeBatch(['d']), true)).baseOffset).toBe(3);
    expect(plog.highWatermark).toBe(4);
    const { records } = await plog.read(1, 1 << 20);
    expect(readBatchHeader(records).baseOffset).toBe(0); // the batch that holds offset 1
    expect(splitAndValidate(records, 1 << 20)).toHaveLength(2);
    const first = await plog.read(0, 10); // max bytes smaller than one batch: still one whole batch
    expect(splitAndValidate(first.records, 1 << 20)).toHaveLength(1);
    expect((await plog.read(4, 1 << 20)).records.length).toBe(0);
    await plog.close();
  });

  it('reopens with the same offsets, from the index for closed segments', async () => {
    let plog = await openLog({ segmentBytes: 200 });
    for (let i = 0; i < 10; i++) await plog.append(await makeBatch([`v${i}`, `w${i}`]), false);
    await plog.close();
    expect(await segmentFiles()).toBeGreaterThan(2);
    plog = await openLog({ segmentBytes: 200 });
    expect(plog.highWatermark).toBe(20);
    expect(await offsetsOf(plog)).toEqual([...Array(20).keys()]);
    expect((await plog.append(await makeBatch(['x']), true)).baseOffset).toBe(20);
    await plog.close();
  });

  it('truncates a torn tail (a partial batch) on open, keeping every whole batch', async () => {
    const file = await twoBatchesOnDisk();
    const whole = (await stat(file)).size;
    const partial = (await makeBatch(['three'])).subarray(0, 30);
    await appendFile(file, partial);
    const plog = await openLog();
    expect(plog.highWatermark).toBe(2);
    expect((await stat(file)).size).toBe(whole);
    expect(lines.join('\n')).toMatch(/torn tail/);
    expect((await plog.append(await makeBatch(['three']), true)).baseOffset).toBe(2);
    await plog.close();
  });

  it('truncates from a batch whose CRC does not match', async () => {
    const file = await twoBatchesOnDisk();
    const bytes = await readFile(file);
    bytes[bytes.length - 1]! ^= 0xff; // flip a bit in the last record
    await writeFile(file, bytes);
    const plog = await openLog();
    expect(plog.highWatermark).toBe(1);
    expect(await offsetsOf(plog)).toEqual([0]);
    await plog.close();
  });

  it('answers a retried idempotent batch with its first offset and refuses a gap in sequences', async () => {
    const plog = await openLog();
    const first = await makeBatch(['a', 'b'], { producerId: 77, firstSequence: 0 });
    expect((await plog.append(Buffer.from(first), true)).baseOffset).toBe(0);
    expect((await plog.append(Buffer.from(first), true)).baseOffset).toBe(0); // retry: not written twice
    expect(plog.highWatermark).toBe(2);
    const gap = await makeBatch(['d'], { producerId: 77, firstSequence: 5 });
    expect((await plog.append(gap, true)).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    const next = await makeBatch(['c'], { producerId: 77, firstSequence: 2 });
    expect((await plog.append(next, true)).baseOffset).toBe(2);
    const fenced = await makeBatch(['z'], { producerId: 77, producerEpoch: -1, firstSequence: 3 });
    expect((await plog.append(fenced, true)).error).toBe('INVALID_PRODUCER_EPOCH');
    await plog.close();
  });

  it('still recognises a retried idempotent batch after a restart', async () => {
    let plog = await openLog();
    const batch = await makeBatch(['a'], { producerId: 91, firstSequence: 0 });
    await plog.append(Buffer.from(batch), true);
    await plog.close();
    plog = await openLog();
    expect((await plog.append(Buffer.from(batch), true)).baseOffset).toBe(0);
    expect(plog.highWatermark).toBe(1);
    const gap = await makeBatch(['c'], { producerId: 91, firstSequence: 7 });
    expect((await plog.append(gap, true)).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    await plog.close();
  });

  it('finds the first record at or after a timestamp, inside a batch, plain and gzip', async () => {
    const plog = await openLog();
    const base = 1_700_000_000_000;
    await plog.append(
      await makeBatch(['a', 'b', 'c'], { timestamp: base, timestampDeltas: [0, 10, 20] }),
      true,
    );
    const gz = await makeBatch(['d', 'e'], {
      timestamp: base + 100,
      timestampDeltas: [0, 50],
      compression: 1,
    });
    await plog.append(gz, true);
    expect(await plog.offsetForTimestamp(base - 1)).toEqual({ offset: 0, timestamp: base });
    expect(await plog.offsetForTimestamp(base + 5)).toEqual({ offset: 1, timestamp: base + 10 });
    expect(await plog.offsetForTimestamp(base + 20)).toEqual({ offset: 2, timestamp: base + 20 });
    expect(await plog.offsetForTimestamp(base + 120)).toEqual({ offset: 4, timestamp: base + 150 });
    expect(await plog.offsetForTimestamp(base + 151)).toBeUndefined();
    await plog.close();
  });

  it('deletes whole closed segments by size retention, never the active one', async () => {
    const plog = await openLog({ segmentBytes: 150, retentionBytes: 300 });
    for (let i = 0; i < 12; i++) await plog.append(await makeBatch([`value-${i}`]), true);
    const before = await segmentFiles();
    expect(await plog.applyRetention(Date.now())).toBeGreaterThan(0);
    const after = await segmentFiles();
    expect(after).toBeLessThan(before);
    expect(plog.logStartOffset).toBeGreaterThan(0);
    expect(plog.highWatermark).toBe(12);
    expect((await offsetsOf(plog)).at(-1)).toBe(11);
    await plog.close();
  });

  it('deletes closed segments older than retention.ms', async () => {
    const plog = await openLog({ segmentBytes: 150, retentionMs: 60_000 });
    for (let i = 0; i < 6; i++) await plog.append(await makeBatch([`value-${i}`]), true);
    expect(await plog.applyRetention(Date.now())).toBe(0);
    expect(await plog.applyRetention(Date.now() + 120_000)).toBeGreaterThan(0);
    expect(plog.highWatermark).toBe(6);
    await plog.close();
  });
});
