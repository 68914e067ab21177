import { gzipSync } from 'node:zlib';
import { crc32c } from '../../../src/broker/log/crc32c.js';
import { Writer } from '../../../src/broker/protocol/writer.js';

/**
 * Record batches v2 built byte by byte, so a test can break exactly one field and still give the batch a
 * valid CRC. The good batches these build are read back by kcat in the tests, which checks the builder.
 */
export interface RecordFields {
  attributes?: number;
  timestampDelta?: number;
  offsetDelta: number;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
}

/** The body of a record (everything after its length), field by field. */
export function recordBody(f: RecordFields): Writer {
  const w = new Writer()
    .int8(f.attributes ?? 0)
    .varlong(f.timestampDelta ?? 0)
    .varint(f.offsetDelta);
  lengthPrefixed(w, f.key ?? null);
  lengthPrefixed(w, f.value);
  const headers = f.headers ?? [];
  w.varint(headers.length);
  for (const h of headers) {
    lengthPrefixed(w, Buffer.from(h.key));
    lengthPrefixed(w, h.value);
  }
  return w;
}

function lengthPrefixed(w: Writer, b: Buffer | null): void {
  if (b === null) w.varint(-1);
  else w.varint(b.length).raw(b);
}

/** A whole record: length varint (its body's size unless `length` says otherwise), then the body. */
export function record(f: RecordFields, length?: number): Buffer {
  const body = recordBody(f).toBuffer();
  return Buffer.concat([new Writer().varint(length ?? body.length).toBuffer(), body]);
}

export function valueRecord(value: string, offsetDelta: number): Buffer {
  return record({ offsetDelta, value: Buffer.from(value) });
}

export interface BatchFields {
  /** Defaults to the number of records passed. */
  count?: number;
  lastOffsetDelta?: number;
  baseTimestamp?: number;
  /** Defaults to baseTimestamp (every record built with timestampDelta 0). */
  maxTimestamp?: number;
  attributes?: number;
  producerId?: bigint;
  baseSequence?: number;
  /** gzip the records (attributes bit 0 is set). */
  gzip?: boolean;
}

/** A record batch v2 holding `records` (already encoded) with a CRC-32C that matches. */
export function batch(records: Buffer[], f: BatchFields = {}): Buffer {
  const count = f.count ?? records.length;
  const baseTimestamp = f.baseTimestamp ?? 1_700_000_000_000;
  const raw = Buffer.concat(records);
  const payload = f.gzip ? gzipSync(raw) : raw;
  const afterCrc = new Writer()
    .int16((f.attributes ?? 0) | (f.gzip ? 1 : 0))
    .int32(f.lastOffsetDelta ?? count - 1)
    .int64(BigInt(baseTimestamp))
    .int64(BigInt(f.maxTimestamp ?? baseTimestamp))
    .int64(f.producerId ?? -1n)
    .int16(-1)
    .int32(f.baseSequence ?? -1)
    .int32(count)
    .raw(payload)
    .toBuffer();
  const head = new Writer()
    .int64(0n)
    .int32(4 + 1 + 4 + afterCrc.length) // batchLength: leader epoch, magic, crc, the rest
    .int32(0)
    .int8(2)
    .toBuffer();
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32c(afterCrc));
  return Buffer.concat([head, crc, afterCrc]);
}
