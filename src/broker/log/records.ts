/**
 * The records inside a record batch v2 (after the batch header, uncompressed):
 *
 * Record => length attributes timestampDelta offsetDelta keyLength key valueLength value [headers]
 *   length => VARINT                 bytes of the record after this field
 *   attributes => INT8               unused in v2 (Kafka ignores it; so does this broker)
 *   timestampDelta => VARLONG        record timestamp - batch baseTimestamp
 *   offsetDelta => VARINT            record offset - batch baseOffset
 *   keyLength => VARINT              -1 for a null key
 *   key => BYTES
 *   valueLength => VARINT            -1 for a null value
 *   value => BYTES
 *   headers => VARINT count, then per header:
 *     headerKeyLength => VARINT      never negative
 *     headerKey => STRING
 *     headerValueLength => VARINT    -1 for a null value
 *     headerValue => BYTES
 *
 * walkRecords checks the framing the way Kafka's DefaultRecord.readFrom and the batch iterator do (a
 * length that frames the fields exactly, lengths within the record, a header count that fits, the batch's
 * record count, nothing after the last record), plus what Kafka only repairs or leaves to consumers: offset
 * deltas 0..n-1 in order and no length below -1 (see docs/broker.md, "Record validation").
 */
export class MalformedRecordsError extends Error {}

/** Reads the varints of one record; `end` is the end of the record, so nothing reads past it. */
class Cursor {
  pos: number;
  end: number;

  constructor(
    private readonly buf: Buffer,
    end: number,
  ) {
    this.pos = 0;
    this.end = end;
  }

  byte(): number {
    if (this.pos >= this.end) throw new MalformedRecordsError('a field runs past the record');
    return this.buf[this.pos++]!;
  }

  /** Zigzag varint of at most 5 bytes, as Kafka's ByteUtils.readVarint. */
  varint(): number {
    let raw = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.byte();
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
    }
    throw new MalformedRecordsError('a varint longer than 5 bytes');
  }

  /** Zigzag varlong of at most 10 bytes, as a JS number (timestamps fit in 2^53). */
  varlong(): number {
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      raw += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
    throw new MalformedRecordsError('a varlong longer than 10 bytes');
  }

  /** Skips a length-prefixed field; -1 (null) is allowed only where `nullable`. */
  skipBytes(what: string, nullable: boolean): void {
    const length = this.varint();
    if (length < (nullable ? -1 : 0)) throw new MalformedRecordsError(`${what} length ${length}`);
    if (length > this.end - this.pos)
      throw new MalformedRecordsError(`${what} length ${length} runs past the record`);
    if (length > 0) this.pos += length;
  }
}

/** Called for each record, in order, once its framing is checked. */
export type RecordVisitor = (offsetDelta: number, timestampDelta: number) => void;

/**
 * Checks the `count` records of `body` and returns the largest timestampDelta (0 when count is 0).
 * Throws MalformedRecordsError naming the first record that fails.
 */
export function walkRecords(body: Buffer, count: number, visit?: RecordVisitor): number {
  const c = new Cursor(body, body.length);
  let maxTimestampDelta = 0;
  for (let i = 0; i < count; i++) {
    try {
      if (c.pos >= body.length) throw new MalformedRecordsError(`the batch ends after ${i} of ${count}`);
      c.end = body.length;
      const length = c.varint();
      if (length < 0 || length > body.length - c.pos)
        throw new MalformedRecordsError(`length ${length} with ${body.length - c.pos} bytes left`);
      const start = c.pos;
      c.end = start + length;
      c.byte(); // attributes
      const timestampDelta = c.varlong();
      const offsetDelta = c.varint();
      if (offsetDelta !== i) throw new MalformedRecordsError(`offset delta ${offsetDelta}, expected ${i}`);
      c.skipBytes('key', true);
      c.skipBytes('value', true);
      const headers = c.varint();
      if (headers < 0 || headers > c.end - c.pos) throw new MalformedRecordsError(`header count ${headers}`);
      for (let h = 0; h < headers; h++) {
        c.skipBytes('header key', false);
        c.skipBytes('header value', true);
      }
      if (c.pos !== c.end)
        throw new MalformedRecordsError(`length ${length}, but its fields take ${c.pos - start}`);
      if (i === 0 || timestampDelta > maxTimestampDelta) maxTimestampDelta = timestampDelta;
      visit?.(offsetDelta, timestampDelta);
    } catch (err) {
      if (err instanceof MalformedRecordsError) err.message = `record ${i}: ${err.message}`;
      throw err;
    }
  }
  if (c.pos !== body.length)
    throw new MalformedRecordsError(`${body.length - c.pos} bytes after the last of ${count} records`);
  return maxTimestampDelta;
}
