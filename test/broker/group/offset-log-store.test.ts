import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OFFSETS_LOG_FILE, OffsetLogStore } from '../../../src/broker/group/offset-log-store.js';
import type { CommittedOffset } from '../../../src/broker/group/offset-store.js';

const offset = (
  topic: string,
  partition: number,
  value: number,
  metadata: string | null = null,
): CommittedOffset => ({
  topic,
  partition,
  offset: value,
  leaderEpoch: -1,
  metadata,
  commitTimestamp: 1_700_000_000_000,
});

describe('Broker > Group > OffsetLogStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citystream-offsets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps committed offsets, with metadata, across a reopen', async () => {
    const store = await OffsetLogStore.open(dir);
    await store.commit('g1', [offset('t', 0, 10, 'meta'), offset('t', 1, 20)]);
    await store.commit('g1', [offset('t', 0, 11)]);
    await store.commit('g2', [offset('u', 3, 7)]);
    await store.close();

    const reopened = await OffsetLogStore.open(dir);
    expect(reopened.get('g1', 't', 0)?.offset).toBe(11);
    expect(reopened.list('g1')).toEqual([offset('t', 0, 11), offset('t', 1, 20)]);
    expect(reopened.get('g2', 'u', 3)).toEqual(offset('u', 3, 7));
    expect(reopened.get('g2', 'u', 4)).toBeUndefined();
    expect(reopened.groupIds().sort()).toEqual(['g1', 'g2']);
    await reopened.close();
  });

  it('drops a torn last record on recovery and keeps appending after the good ones', async () => {
    const store = await OffsetLogStore.open(dir);
    await store.commit('g', [offset('t', 0, 1)]);
    await store.commit('g', [offset('t', 0, 2)]);
    await store.close();
    const path = join(dir, OFFSETS_LOG_FILE);
    const whole = await readFile(path);
    // Half of a copy of the last record, as a crash in the middle of a write leaves it.
    await appendFile(path, whole.subarray(whole.length / 2, whole.length - 5));

    const lines: string[] = [];
    const recovered = await OffsetLogStore.open(dir, { log: (l) => lines.push(l) });
    expect(recovered.get('g', 't', 0)?.offset).toBe(2);
    expect(lines.join('\n')).toMatch(/torn tail/);
    await recovered.commit('g', [offset('t', 0, 3)]);
    await recovered.close();

    const again = await OffsetLogStore.open(dir);
    expect(again.get('g', 't', 0)?.offset).toBe(3);
    await again.close();
  });

  it('compacts the log to its live entries once it has grown past them', async () => {
    const store = await OffsetLogStore.open(dir, { compactAfterEntries: 50 });
    for (let i = 0; i < 400; i++) await store.commit('g', [offset('t', i % 3, i)]);
    const size = (await stat(join(dir, OFFSETS_LOG_FILE))).size;
    await store.close();
    // 400 records of ~70 bytes without compaction; at most 3 live entries plus 50 in between with it.
    expect(size).toBeLessThan(60 * 100);

    const reopened = await OffsetLogStore.open(dir);
    expect(reopened.list('g').map((o) => o.offset)).toEqual([399, 397, 398]);
    await reopened.close();
  });

  it('writes concurrent commits together and acknowledges each', async () => {
    const store = await OffsetLogStore.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.commit(`g${i}`, [offset('t', 0, i)])));
    await store.close();
    const reopened = await OffsetLogStore.open(dir);
    expect(reopened.groupIds()).toHaveLength(20);
    expect(reopened.get('g13', 't', 0)?.offset).toBe(13);
    await reopened.close();
  });

  it('forgets removed offsets and removed groups across a reopen, and after compaction', async () => {
    const store = await OffsetLogStore.open(dir);
    await store.commit('g1', [offset('t', 0, 10), offset('t', 1, 20)]);
    await store.commit('g2', [offset('u', 3, 7)]);
    await store.remove('g1', [{ topic: 't', partition: 1 }]);
    await store.remove('g2', null);
    expect(store.groupIds()).toEqual(['g1']);
    // A removal of everything applies at its place in the log: a later commit survives it.
    await store.commit('g2', [offset('u', 4, 8)]);
    await store.close();

    for (let round = 0; round < 2; round++) {
      // The first open replays the removals and compacts (the log holds more entries than live ones).
      const reopened = await OffsetLogStore.open(dir);
      expect(reopened.list('g1')).toEqual([offset('t', 0, 10)]);
      expect(reopened.list('g2')).toEqual([offset('u', 4, 8)]);
      await reopened.close();
    }
  });
});
