/**
 * Builds a response as a list of chunks: small fields go into a scratch buffer that grows by doubling,
 * large byte fields (record batches read from the log) are kept as their own chunks without copying, so a
 * Fetch response of many megabytes is never concatenated; the server writes the chunks with writev.
 */
export class Writer {
  private chunks: Buffer[] = [];
  private scratch: Buffer;
  private pos = 0;
  private flushedLength = 0;

  constructor(initialSize = 256) {
    this.scratch = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushedLength + this.pos;
  }

  private room(n: number): number {
    if (this.pos + n > this.scratch.length) {
      const next = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.pos + n));
      this.scratch.copy(next, 0, 0, this.pos);
      this.scratch = next;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(v: number): this {
    this.scratch.writeInt8(v, this.room(1));
    return this;
  }

  int16(v: number): this {
    this.scratch.writeInt16BE(v, this.room(2));
    return this;
  }

  int32(v: number): this {
    this.scratch.writeInt32BE(v, this.room(4));
    return this;
  }

  uint32(v: number): this {
    this.scratch.writeUInt32BE(v, this.room(4));
    return this;
  }

  int64(v: bigint | number): this {
    this.scratch.writeBigInt64BE(BigInt(v), this.room(8));
    return this;
  }

  boolean(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  private unsignedVarint(u: bigint): this {
    let rest = u;
    while (rest >= 0x80n) {
      this.scratch[this.room(1)] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.scratch[this.room(1)] = Number(rest);
    return this;
  }

  /** Zigzag signed 32-bit varint. */
  varint(v: number): this {
    return this.unsignedVarint(BigInt.asUintN(32, BigInt((v << 1) ^ (v >> 31))));
  }

  /** Zigzag signed 64-bit varint. */
  varlong(v: bigint | number): this {
    const b = BigInt(v);
    return this.unsignedVarint(BigInt.asUintN(64, (b << 1n) ^ (b >> 63n)));
  }

  uvarint(v: number): this {
    return this.unsignedVarint(BigInt(v));
  }

  string(s: string): this {
    const len = Buffer.byteLength(s);
    this.int16(len);
    this.scratch.write(s, this.room(len), len, 'utf8');
    return this;
  }

  nullableString(s: string | null | undefined): this {
    if (s === null || s === undefined) return this.int16(-1);
    return this.string(s);
  }

  bytes(b: Buffer): this {
    this.int32(b.length);
    return this.raw(b);
  }

  nullableBytes(b: Buffer | null | undefined): this {
    if (b === null || b === undefined) return this.int32(-1);
    return this.bytes(b);
  }

  /** Appends bytes as they are; large buffers become their own chunk (no copy). */
  raw(b: Buffer): this {
    if (b.length >= 1024) {
      this.flushScratch();
      this.chunks.push(b);
      this.flushedLength += b.length;
    } else {
      b.copy(this.scratch, this.room(b.length));
    }
    return this;
  }

  array<T>(items: readonly T[], writeItem: (w: Writer, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null | undefined, writeItem: (w: Writer, item: T) => void): this {
    if (items === null || items === undefined) return this.int32(-1);
    return this.array(items, writeItem);
  }

  private flushScratch(): void {
    if (this.pos === 0) return;
    this.chunks.push(Buffer.from(this.scratch.subarray(0, this.pos)));
    this.flushedLength += this.pos;
    this.pos = 0;
  }

  /** The written bytes as chunks in order (for socket writev). The writer must not be used afterwards. */
  toChunks(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }

  /** The written bytes as one buffer (tests, small payloads). */
  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks());
  }
}
