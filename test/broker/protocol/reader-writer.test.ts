import { describe, expect, it } from 'vitest';
import { ProtocolError, TruncatedRequestError } from '../../../src/broker/protocol/protocol-error.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';

describe('Protocol > primitives', () => {
  it('round-trips every primitive type', () => {
    const big = Buffer.alloc(5000, 7); // large enough to become its own chunk in the writer
    const w = new Writer(8)
      .int8(-5)
      .int16(-30000)
      .int32(-2_000_000_000)
      .uint32(4_000_000_000)
      .int64(-(2n ** 62n))
      .boolean(true)
      .varint(-1)
      .varint(300)
      .varlong(-(2n ** 40n))
      .uvarint(1234)
      .string('Zürich')
      .nullableString(null)
      .bytes(Buffer.from('ab'))
      .nullableBytes(null)
      .raw(big)
      .array([1, 2, 3], (w, n) => w.int32(n))
      .nullableArray(null, (w, n: number) => w.int32(n));
    const r = new Reader(w.toBuffer());
    expect(r.int8()).toBe(-5);
    expect(r.int16()).toBe(-30000);
    expect(r.int32()).toBe(-2_000_000_000);
    expect(r.uint32()).toBe(4_000_000_000);
    expect(r.int64()).toBe(-(2n ** 62n));
    expect(r.boolean()).toBe(true);
    expect(r.varint()).toBe(-1);
    expect(r.varint()).toBe(300);
    expect(r.varlong()).toBe(-(2n ** 40n));
    expect(r.uvarint()).toBe(1234);
    expect(r.string()).toBe('Zürich');
    expect(r.nullableString()).toBeNull();
    expect(r.bytes().toString()).toBe('ab');
    expect(r.nullableBytes()).toBeNull();
    expect(r.raw(5000).equals(big)).toBe(true);
    expect(r.array((r) => r.int32())).toEqual([1, 2, 3]);
    expect(r.nullableArray((r) => r.int32())).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('encodes varints as Kafka does (zigzag)', () => {
    expect(new Writer().varint(0).toBuffer()).toEqual(Buffer.from([0]));
    expect(new Writer().varint(-1).toBuffer()).toEqual(Buffer.from([1]));
    expect(new Writer().varint(1).toBuffer()).toEqual(Buffer.from([2]));
    expect(new Writer().varint(64).toBuffer()).toEqual(Buffer.from([0x80, 0x01]));
  });

  it('throws a typed error on a truncated field instead of reading past the frame', () => {
    expect(() => new Reader(Buffer.from([0, 1])).int32()).toThrow(TruncatedRequestError);
    const s = new Writer().int16(100).toBuffer(); // a string that claims 100 bytes and has none
    expect(() => new Reader(s).string()).toThrow(TruncatedRequestError);
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).varint()).toThrow(
      ProtocolError,
    );
  });

  it('refuses an array count larger than the bytes left or the cap, before allocating', () => {
    const huge = new Writer().int32(2_000_000_000).toBuffer();
    expect(() => new Reader(huge).array((r) => r.int8())).toThrow(ProtocolError);
    const tooFew = new Writer().int32(100).raw(Buffer.alloc(10)).toBuffer();
    expect(() => new Reader(tooFew).array((r) => r.int8())).toThrow(TruncatedRequestError);
    const many = new Writer().int32(10).raw(Buffer.alloc(10)).toBuffer();
    expect(() => new Reader(many, 5).array((r) => r.int8())).toThrow(/exceeds the limit/);
  });
});
