import { ProtocolError, TruncatedRequestError } from './protocol-error.js';

/**
 * Reads Kafka's primitive types from one request frame, front to back.
 *
 * Every read checks the bounds first and throws TruncatedRequestError instead of reading past the frame.
 * Strings and byte fields are views into the frame (no copy), and an array count is checked against the
 * bytes that are left before anything is allocated, so a hostile length cannot make the broker allocate
 * more than the (already size-limited) frame it received.
 */
export class Reader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    /** Largest element count accepted for one array; the remaining-bytes check applies too. */
    private readonly maxArrayLength = 1_000_000,
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): number {
    if (n > this.buf.length - this.pos) throw new TruncatedRequestError(what, n, this.buf.length - this.pos);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1, 'int8'));
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.need(4, 'uint32'));
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'));
  }

  /** An int64 as a JS number; offsets and timestamps fit in 2^53 for any log this broker will hold. */
  int64AsNumber(): number {
    return Number(this.int64());
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  /** Unsigned LEB128 as used for varints before zigzag; at most 5 bytes for 32 bits. */
  private unsignedVarint(maxBytes: number): bigint {
    let result = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const byte = this.buf[this.need(1, 'varint')]!;
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtocolError(`malformed varint: more than ${maxBytes} bytes`);
  }

  /** Zigzag-encoded signed 32-bit varint (record fields). */
  varint(): number {
    const u = this.unsignedVarint(5);
    return Number((u >> 1n) ^ -(u & 1n));
  }

  /** Zigzag-encoded signed 64-bit varint (record timestamp and offset deltas). */
  varlong(): bigint {
    const u = this.unsignedVarint(10);
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
  }

  /** Unsigned varint (compact lengths of flexible versions). */
  uvarint(): number {
    return Number(this.unsignedVarint(5));
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolError('null where a string is required');
    return s;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const at = this.need(len, 'string');
    return this.buf.toString('utf8', at, at + len);
  }

  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw new ProtocolError('null where bytes are required');
    return b;
  }

  /** A view into the frame, not a copy: callers that keep it beyond the request must copy it. */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    return this.raw(len);
  }

  /** The next `len` bytes as a view. */
  raw(len: number): Buffer {
    const at = this.need(len, 'bytes');
    return this.buf.subarray(at, at + len);
  }

  array<T>(readItem: (r: Reader) => T): T[] {
    const items = this.nullableArray(readItem);
    return items ?? [];
  }

  /** An array whose count is -1 for null. Each element takes at least one byte, which bounds the count. */
  nullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const count = this.int32();
    if (count < 0) return null;
    this.checkCount(count);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readItem(this));
    return items;
  }

  private checkCount(count: number): void {
    if (count > this.maxArrayLength) throw new ProtocolError(`array of ${count} elements exceeds the limit`);
    if (count > this.remaining) throw new TruncatedRequestError('array', count, this.remaining);
  }
}
