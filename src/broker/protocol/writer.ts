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

  /** Reserves n bytes and returns where they start; may replace `scratch`, so call it before using it. */
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
    const at = this.room(1);
    this.scratch.writeInt8(v, at);
    return this;
  }

  int16(v: number): this {
    const at = this.room(2);
    this.scratch.writeInt16BE(v, at);
    return this;
  }

  int32(v: number): this {
    const at = this.room(4);
    this.scratch.writeInt32BE(v, at);
    return this;
  }

  uint32(v: number): this {
    const at = this.room(4);
    this.scratch.writeUInt32BE(v, at);
    return this;
  }

  int64(v: bigint | number): this {
    const at = this.room(8);
    this.scratch.writeBigInt64BE(BigInt(v), at);
    return this;
  }

  boolean(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  private unsignedVarint(u: bigint): this {
    let rest = u;
    while (rest >= 0x80n) {
      const at = this.room(1);
      this.scratch[at] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    const at = this.room(1);
    this.scratch[at] = Number(rest);
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
    const at = this.room(len);
    this.scratch.write(s, at, len, 'utf8');
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
      const at = this.room(b.length);
      b.copy(this.scratch, at);
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
