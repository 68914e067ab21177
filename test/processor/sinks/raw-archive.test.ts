import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  archiveFromUrl,
  archiveObjects,
  FileArchive,
  type ArchivedMessage,
} from '../../../src/processor/sinks/raw-archive.js';

/**
 * The raw archive's writer on its file target (a real directory): names, atomic objects, and the
 * removal of what an uncommitted batch left, so that a replay of a partition from its stored offset
 * leaves every message in the archive exactly once. Not yet wired into the processor.
 */
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const AT = Date.parse('2026-11-22T08:59:59.000Z');
const messages = (from: number, to: number): ArchivedMessage[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    offset: from + i,
    timestamp: AT + (from + i) * 100,
    key: `s-${(from + i) % 3}`,
    value: `{"n":${from + i}}`,
  }));

async function contents(archive: FileArchive): Promise<string[]> {
  const lines: string[] = [];
  for (const key of await archive.list()) {
    const text = gunzipSync(await readFile(join(archive.root, key))).toString();
    for (const line of text.split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { partition: number; offset: number; value: string };
      lines.push(`${r.partition}/${r.offset}/${r.value}`);
    }
  }
  return lines.sort();
}

describe('raw archive (file://)', () => {
  it('names objects by partition and offset range under dt=/hour= of the record time', () => {
    const objects = archiveObjects(2, [
      { offset: 7, timestamp: AT + 1_000, key: 's', value: 'b' },
      { offset: 5, timestamp: AT, key: 's', value: 'a' },
      { offset: 6, timestamp: AT, key: null, value: null },
    ]);
    expect(objects.map((o) => [o.key, o.count])).toEqual([
      ['dt=2026-11-22/hour=08/part-2-5-6.ndjson.gz', 2],
      ['dt=2026-11-22/hour=09/part-2-7-7.ndjson.gz', 1],
    ]);
    expect(objects[0]!.body.split('\n')).toEqual([
      JSON.stringify({ partition: 2, offset: 5, timestamp: AT, key: 's', value: 'a' }),
      JSON.stringify({ partition: 2, offset: 6, timestamp: AT, key: null, value: null }),
      '',
    ]);
  });

  it('after a crash between archive and commit, a replay from the stored offset leaves each message once', async () => {
    const root = await mkdtemp(join(tmpdir(), 'citystream-archive-'));
    dirs.push(root);
    const archive = archiveFromUrl(`file://${root}`) as FileArchive;
    // Offsets 0..9 fall in 08:59:59.x, the rest in hour 09.
    // Committed: partition 0 offsets 0..19, partition 1 offsets 0..9.
    await archive.write(0, messages(0, 9));
    await archive.write(0, messages(10, 19));
    await archive.write(1, messages(0, 9));
    // Written, then the process died before the transaction: 20..34 (and a half-written temp file).
    await archive.write(0, messages(20, 34));
    const hour = join(root, 'dt=2026-11-22', 'hour=09');
    await mkdir(hour, { recursive: true });
    await writeFile(join(hour, 'part-0-20-40.ndjson.gz.1a2b.tmp'), 'half');

    // The replay starts at the stored offset 20 and the broker now hands a different range, 20..29, 30..39.
    expect(await archive.discardFrom(0, 20)).toBe(1);
    await archive.write(0, messages(20, 29));
    await archive.write(0, messages(30, 39));
    // Rewriting a committed range (a replay from an older offset) rewrites the same object.
    await archive.write(1, messages(0, 9));

    const expected = [
      ...messages(0, 39).map((m) => `0/${m.offset}/${m.value}`),
      ...messages(0, 9).map((m) => `1/${m.offset}/${m.value}`),
    ].sort();
    expect(await contents(archive)).toEqual(expected);
    expect(await archive.list()).toEqual([
      'dt=2026-11-22/hour=08/part-0-0-9.ndjson.gz',
      'dt=2026-11-22/hour=08/part-1-0-9.ndjson.gz',
      'dt=2026-11-22/hour=09/part-0-10-19.ndjson.gz',
      'dt=2026-11-22/hour=09/part-0-20-29.ndjson.gz',
      'dt=2026-11-22/hour=09/part-0-30-39.ndjson.gz',
    ]);
  });

  it('takes file:// only for now', () => {
    expect(() => archiveFromUrl('s3://bucket/raw')).toThrow(UserError);
    expect(() => archiveFromUrl('not a url')).toThrow(UserError);
  });
});
