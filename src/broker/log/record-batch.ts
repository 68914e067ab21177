import { gunzipSync } from 'node:zlib';
import { crc32c } from './crc32c.js';
import { MalformedRecordsError, walkRecords } from './records.js';

/**
 * RecordBatch v2, the unit the log stores (as received, with the broker's base offset written in):
 *
 * baseOffset: int64               0
 * batchLength: int32              8   bytes after this field
 * partitionLeaderEpoch: int32    12
 * magic: int8 (= 2)              16
 * crc: uint32                    17   CRC-32C of everything from attributes to the end
 * attributes: int16              21   bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
 * lastOffsetDelta: int32         23
 * baseTimestamp: int64           27
 * maxTimestamp: int64            35
 * producerId: int64              43
 * producerEpoch: int16           51
 * baseSequence: int32            53
 * records: [Record]              57   int32 count, then the records (compressed as a whole if bit 0-2 set)
 */
export const BATCH_HEADER_BYTES = 61;
export const LOG_OVERHEAD = 12; // baseOffset + batchLength
const CRC_START = 21;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export interface BatchHeader {
  baseOffset: number;
  /** Whole batch size in bytes, LOG_OVERHEAD included. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(at)),
    size: LOG_OVERHEAD + buf.readInt32BE(at + 8),
    magic: buf.readInt8(at + 16),
    crc: buf.readUInt32BE(at + 17),
    attributes: buf.readInt16BE(at + 21),
    lastOffsetDelta: buf.readInt32BE(at + 23),
    baseTimestamp: Number(buf.readBigInt64BE(at + 27)),
    maxTimestamp: Number(buf.readBigInt64BE(at + 35)),
    producerId: buf.readBigInt64BE(at + 43),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
  };
}

/** Writes the broker-assigned base offset; neither it nor the leader epoch is covered by the CRC. */
export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
  batch.writeInt32BE(0, 12);
}

/** True when the CRC stored in the batch matches its bytes. */
export function crcMatches(batch: Buffer): boolean {
  return batch.readUInt32BE(17) === crc32c(batch, CRC_START, batch.length);
}

/**
 * Splits the records field of a Produce request into batches and validates each as Kafka's LogValidator
 * does for a client's batch (docs/broker.md, "Record validation"): magic 2, length within the field, CRC,
 * header fields, and for uncompressed and gzip batches every record's framing; other codecs are stored
 * opaque. A batch whose maxTimestamp is not its records' largest timestamp gets the right one written in
 * (and its CRC recomputed), as Kafka does. Throws BatchValidationError, which the Produce handler turns
 * into an error code for that partition.
 */
export function splitAndValidate(records: Buffer, maxUncompressedBytes: number): Buffer[] {
  const batches: Buffer[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH_HEADER_BYTES)
      throw new BatchValidationError('CORRUPT_MESSAGE', 'short batch');
    const size = LOG_OVERHEAD + records.readInt32BE(at + 8);
    if (size < BATCH_HEADER_BYTES || at + size > records.length)
      throw new BatchValidationError('CORRUPT_MESSAGE', `batch length ${size} runs past the records`);
    const batch = records.subarray(at, at + size);
    validateBatch(batch, maxUncompressedBytes);
    batches.push(batch);
    at += size;
  }
  if (batches.length === 0) throw new BatchValidationError('CORRUPT_MESSAGE', 'no record batch');
  return batches;
}

export class BatchValidationError extends Error {
  constructor(
    readonly errorName:
      | 'CORRUPT_MESSAGE'
      | 'INVALID_RECORD'
      | 'INVALID_TIMESTAMP'
      | 'UNSUPPORTED_COMPRESSION_TYPE'
      | 'UNSUPPORTED_FOR_MESSAGE_FORMAT',
    message: string,
  ) {
    super(message);
  }
}

const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

function validateBatch(batch: Buffer, maxUncompressedBytes: number): void {
  const h = readBatchHeader(batch);
  // Produce v3+ carries only magic 2 (ProduceRequest.validateRecords answers INVALID_RECORD).
  if (h.magic !== 2) throw new BatchValidationError('INVALID_RECORD', `magic ${h.magic}`);
  if (!crcMatches(batch)) throw new BatchValidationError('CORRUPT_MESSAGE', 'CRC-32C mismatch');
  validateHeader(h);
  const body = recordsBody(batch, h, maxUncompressedBytes);
  if (body === null) return;
  let maxTimestampDelta: number;
  try {
    maxTimestampDelta = walkRecords(body, h.recordCount);
  } catch (err) {
    if (!(err instanceof MalformedRecordsError)) throw err;
    throw new BatchValidationError('INVALID_RECORD', err.message);
  }
  // Kafka starts its maximum at NO_TIMESTAMP (-1), so records all older than that leave it at -1.
  const maxTimestamp = Math.max(-1, h.baseTimestamp + maxTimestampDelta);
  if (maxTimestamp !== h.maxTimestamp) {
    batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
    batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), 17);
  }
}

/** LogValidator.validateBatch and validateTimestamp, for what the batch header alone decides. */
function validateHeader(h: BatchHeader): void {
  if (h.recordCount <= 0 || h.lastOffsetDelta < 0)
    throw new BatchValidationError(
      'INVALID_RECORD',
      `record count ${h.recordCount}, lastOffsetDelta ${h.lastOffsetDelta}`,
    );
  if (h.lastOffsetDelta !== h.recordCount - 1)
    throw new BatchValidationError(
      'INVALID_RECORD',
      `lastOffsetDelta ${h.lastOffsetDelta} does not match the record count ${h.recordCount}`,
    );
  if ((h.attributes & CONTROL) !== 0)
    throw new BatchValidationError('INVALID_RECORD', 'clients may not write control batches');
  if ((h.attributes & TRANSACTIONAL) !== 0)
    throw new BatchValidationError('UNSUPPORTED_FOR_MESSAGE_FORMAT', 'transactional batches');
  if (h.producerId >= 0n && h.baseSequence < 0)
    throw new BatchValidationError(
      'INVALID_RECORD',
      `producer ${h.producerId} with sequence ${h.baseSequence}`,
    );
  if ((h.attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0)
    throw new BatchValidationError('INVALID_TIMESTAMP', 'a producer may not set the LogAppendTime type');
  if ((h.attributes & 0x07) > Compression.zstd)
    throw new BatchValidationError('UNSUPPORTED_COMPRESSION_TYPE', `codec ${h.attributes & 0x07}`);
}

/** The records of a batch, uncompressed; null for codecs stored opaque (snappy, lz4, zstd). */
function recordsBody(batch: Buffer, h: BatchHeader, maxUncompressedBytes: number): Buffer | null {
  const codec = h.attributes & 0x07;
  if (codec === Compression.none) return batch.subarray(BATCH_HEADER_BYTES);
  if (codec === Compression.gzip)
    return gunzipBounded(batch.subarray(BATCH_HEADER_BYTES), maxUncompressedBytes);
  return null;
}

function gunzipBounded(data: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    throw new BatchValidationError('CORRUPT_MESSAGE', `gzip: ${(err as Error).message}`);
  }
}

/**
 * Offset delta and timestamp of each record of a batch, in order; null for codecs stored opaque (snappy,
 * lz4, zstd), and for a batch whose records do not parse (one stored before this broker validated
 * records). Used by ListOffsets to answer a timestamp query to the record, not just the batch.
 */
export function recordTimestamps(
  batch: Buffer,
  maxUncompressedBytes: number,
): { offsetDelta: number; timestamp: number }[] | null {
  const h = readBatchHeader(batch);
  const out: { offsetDelta: number; timestamp: number }[] = [];
  try {
    const body = recordsBody(batch, h, maxUncompressedBytes);
    if (body === null) return null;
    walkRecords(body, h.recordCount, (offsetDelta, timestampDelta) =>
      out.push({ offsetDelta, timestamp: h.baseTimestamp + timestampDelta }),
    );
  } catch (err) {
    if (err instanceof MalformedRecordsError || err instanceof BatchValidationError) return null;
    throw err;
  }
  return out;
}
