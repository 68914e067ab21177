import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  archiveObjects,
  entryOf,
  parseObjectKey,
  staleKeys,
  type ArchivedMessage,
} from '../../../src/processor/archive/objects.js';
import { PartitionBuffer } from '../../../src/processor/archive/partition-buffer.js';
import { decodePendingHours, encodePendingHours } from '../../../src/processor/archive/pending-hours.js';
import { parseArchiveTarget } from '../../../src/processor/archive/target.js';

/** The raw archive's pure parts: object names and contents, the flush rule, commit metadata, targets. */
const AT = Date.parse('2026-11-22T08:59:59.000Z');
const message = (
  offset: number,
  timestamp = AT,
  value: string | null = `{"n":${offset}}`,
): ArchivedMessage => ({
  offset,
  timestamp,
  key: `s-${offset % 3}`,
  value,
});
const limits = { maxEvents: 3, maxBytes: 1_000_000, maxAgeMs: 1_000, maxHours: 2 };

describe('Archive > layout', () => {
  it('names objects by topic, hour of the record time, partition and offset range', () => {
    const entries = [message(5), message(6, AT, null), message(7, AT + 1_000)].map((m) =>
      entryOf('clicks', 2, m),
    );
    const objects = archiveObjects('clicks', 2, entries);
    expect(objects.map((o) => [o.key, o.count, o.first, o.last, o.hour])).toEqual([
      ['clicks/dt=2026-11-22/hour=08/part-2-5-6.ndjson.gz', 2, 5, 6, '2026-11-22T08'],
      ['clicks/dt=2026-11-22/hour=09/part-2-7-7.ndjson.gz', 1, 7, 7, '2026-11-22T09'],
    ]);
    expect(objects[0]!.body.split('\n')).toEqual([
      JSON.stringify({
        topic: 'clicks',
        partition: 2,
        offset: 5,
        timestamp: AT,
        key: 's-2',
        value: '{"n":5}',
      }),
      JSON.stringify({ topic: 'clicks', partition: 2, offset: 6, timestamp: AT, key: 's-0', value: null }),
      '',
    ]);
  });

  it('reads a name back, and finds the objects at or past a committed offset', () => {
    const keys = [
      'city-events/dt=2026-11-22/hour=08/part-1-0-9.ndjson.gz',
      'city-events/dt=2026-11-22/hour=08/part-1-10-19.ndjson.gz',
      'city-events/dt=2026-11-22/hour=08/part-10-20-29.ndjson.gz',
      'city-events/dt=2026-11-22/hour=08/part-1-20-29.ndjson.gz',
      'city-events/dt=2026-11-22/hour=08/notes.txt',
    ];
    expect(parseObjectKey(keys[2]!)).toEqual({ partition: 10, first: 20, last: 29 });
    expect(parseObjectKey(keys[4]!)).toBeUndefined();
    expect(staleKeys(keys, 1, 10)).toEqual([keys[1], keys[3]]);
    expect(staleKeys(keys, 1, 30)).toEqual([]);
  });

  it('keeps the hours a flush writes into as commit metadata, and ignores metadata it did not write', () => {
    const text = encodePendingHours(['2026-11-22T09', '2026-11-22T08']);
    expect(text).toBe('{"archive":1,"pending":["2026-11-22T08","2026-11-22T09"]}');
    expect(decodePendingHours(text)).toEqual(['2026-11-22T08', '2026-11-22T09']);
    expect(encodePendingHours([])).toBe('');
    for (const other of ['', null, undefined, 'x', '{"wm":1,"clock":{}}', '{"archive":1,"pending":["../x"]}'])
      expect(decodePendingHours(other)).toEqual([]);
  });
});

describe('Archive > partition buffer', () => {
  const entry = (offset: number, timestamp = AT) => entryOf('t', 0, message(offset, timestamp));

  it('is full at max events, due at max age, and skips offsets it already took', () => {
    const buffer = new PartitionBuffer(limits);
    buffer.add(entry(0), 100);
    buffer.add(entry(1), 150);
    expect(buffer.isFull()).toBe(false);
    expect(buffer.isDue(1_099)).toBe(false);
    expect(buffer.isDue(1_100)).toBe(true); // the oldest has waited 1 s
    buffer.add(entry(2), 200);
    expect(buffer.isFull()).toBe(true);
    expect(buffer.held().map((e) => e.offset)).toEqual([0, 1, 2]);
    buffer.clear();
    expect(buffer.isDue(10_000)).toBe(false);
    expect(buffer.accepts(entry(2))).toBe(false); // delivered again after a failed batch
    expect(buffer.accepts(entry(3))).toBe(true);
  });

  it('is full at max bytes of NDJSON', () => {
    const one = entry(0);
    const buffer = new PartitionBuffer({ ...limits, maxEvents: 100, maxBytes: 2 * (one.line.length + 1) });
    buffer.add(one, 0);
    expect(buffer.isFull()).toBe(false);
    buffer.add(entry(1), 0);
    expect(buffer.isFull()).toBe(true);
  });

  it('asks for a flush before a message would bring one hour more than a flush may name', () => {
    const buffer = new PartitionBuffer({ ...limits, maxEvents: 100 });
    buffer.add(entry(0, AT), 0);
    buffer.add(entry(1, AT + 1_000), 0); // hour 09
    expect(buffer.needsFlushBefore(entry(2, AT + 2_000))).toBe(false); // 09 again
    expect(buffer.needsFlushBefore(entry(2, AT + 3_601_000))).toBe(true); // hour 10: a third
  });
});

describe('Archive > --archive values', () => {
  it('takes file:///dir and s3://bucket/prefix', () => {
    expect(parseArchiveTarget('file:///var/lib/citystream/archive/')).toEqual({
      kind: 'file',
      url: 'file:///var/lib/citystream/archive',
      root: '/var/lib/citystream/archive',
    });
    expect(parseArchiveTarget('s3://my-bucket//raw/city/')).toEqual({
      kind: 's3',
      url: 's3://my-bucket/raw/city',
      bucket: 'my-bucket',
      prefix: 'raw/city',
    });
    expect(parseArchiveTarget('s3://my-bucket')).toMatchObject({ bucket: 'my-bucket', prefix: '' });
  });

  it.each([
    ['ftp://host/dir', 'ftp:// is not an archive target'],
    ['/var/archive', 'expected a file:// or s3:// URL'],
    ['s3://', 'names no bucket'],
    ['s3:///prefix', 'names no bucket'],
    ['s3://My_Bucket/raw', 'is not a valid S3 bucket name'],
    ['file://archive-host/dir', 'names a host (archive-host)'],
    ['file:///', 'cannot be the root directory'],
  ])('refuses %s with one line', (value, message) => {
    expect(() => parseArchiveTarget(value)).toThrow(UserError);
    expect(() => parseArchiveTarget(value)).toThrow(message);
  });
});
