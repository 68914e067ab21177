import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { EventGenerator, steppedClock } from '../../src/events/generator.js';
import { toAttributeMap } from '../../src/store/attribute-values.js';
import { claimAttributes, claimItemKey } from '../../src/store/claim-writer.js';
import { alertItem, rawEventItem } from '../../src/store/items.js';
import { TTL_ATTRIBUTE } from '../../src/store/table-definitions.js';

/** What the writers used before: util-dynamodb's marshall, the reference for every output and refusal. */
const reference = (item: object) => marshall(item, { removeUndefinedValues: true });

describe('toAttributeMap', () => {
  it('encodes raw-event and alert items exactly as util-dynamodb marshall does', () => {
    const generator = new EventGenerator({
      seed: 'attribute-values',
      clock: steppedClock(Date.parse('2026-12-01T00:00:00Z'), 250),
      severityMix: 'realistic',
    });
    const events = generator.take(500).map((m) => m.event);
    expect(events.some((e) => e.location)).toBe(true);
    for (const event of events) {
      for (const item of [rawEventItem(event, { ttlDays: 30 }), alertItem(event, { ttlDays: 7 })]) {
        const encoded = toAttributeMap(item);
        expect(encoded).toEqual(reference(item));
        // Key order too: the same request body byte for byte.
        expect(JSON.stringify(encoded)).toBe(JSON.stringify(reference(item)));
      }
    }
  });

  it('writes out the claim item as marshall would encode it, byte for byte', () => {
    for (const claim of [
      {
        eventId: 'e-1',
        delivery: 'city-events/0/7',
        hash: 'jd8Hq0rT_3kL9xYzA1bC2dE3fG4',
        expiresAt: 1767225600,
      },
      { eventId: 'é 東京', delivery: 'other/11/0', hash: '', expiresAt: 0 },
    ]) {
      const native = {
        ...claimItemKey(claim.eventId),
        d: claim.delivery,
        h: claim.hash,
        [TTL_ATTRIBUTE]: claim.expiresAt,
      };
      expect(JSON.stringify(claimAttributes(claim))).toBe(JSON.stringify(reference(native)));
    }
    expect(() =>
      claimAttributes({ eventId: 'e', delivery: 'x/0/0', hash: 'h', expiresAt: Number.NaN }),
    ).toThrow(/whole number of seconds/);
  });

  it('converts every plain JSON shape as marshall does, leaving out undefined and functions', () => {
    const item = {
      s: 'text',
      empty: '',
      n: 42,
      negZero: -0,
      float: 40.7128,
      tiny: 1e-7,
      big: Number.MAX_SAFE_INTEGER,
      t: true,
      f: false,
      nil: null,
      skipped: undefined,
      fn: () => 1,
      list: [1, 'two', undefined, null, { deep: [true] }, () => 0],
      map: { a: { b: { c: 'd' } }, gone: undefined },
      bare: Object.assign(Object.create(null) as object, { x: 1 }),
    };
    expect(toAttributeMap(item)).toEqual(reference(item));
  });

  it('hands sets, binary, bigint and Map to util-dynamodb', () => {
    const item = {
      ss: new Set(['a', 'b']),
      ns: new Set([1, 2]),
      b: new Uint8Array([1, 2, 3]),
      buf: Buffer.from('hi'),
      n: 12345678901234567890n,
      m: new Map([['k', 'v']]),
      boxed: new String('s'),
    };
    expect(toAttributeMap(item)).toEqual(reference(item));
  });

  it('refuses what marshall refuses', () => {
    for (const bad of [
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
      { n: -Infinity },
      { n: Number.MAX_SAFE_INTEGER + 2 },
      { n: Number.MIN_SAFE_INTEGER - 2 },
      { s: new Set() },
      {
        c: new (class Point {
          x = 1;
        })(),
      },
    ]) {
      expect(() => reference(bad)).toThrow();
      expect(() => toAttributeMap(bad)).toThrow(errorOf(() => reference(bad)));
    }
  });
});

function errorOf(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}
