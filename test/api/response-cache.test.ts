import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/api/response-cache.js';

/** A read that settles when the test says so. */
function deferred(value: number) {
  let resolve!: () => void;
  const promise = new Promise<number>((r) => (resolve = () => r(value)));
  return { promise, resolve };
}

describe('API > response cache', () => {
  it('serves a document for at most its ttl, shares one read among concurrent requests, keeps no failures', async () => {
    let now = 0;
    let reads = 0;
    const cache = new ResponseCache(1000, () => now);
    const read = () => Promise.resolve(++reads);
    const [a, b] = await Promise.all([cache.get('k', read), cache.get('k', read)]);
    expect([a, b, reads]).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get('k', read)).toBe(1);
    now = 1000;
    expect(await cache.get('k', read)).toBe(2);
    expect(await cache.get('other', read)).toBe(3);
    await expect(cache.get('bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('bad', read)).toBe(4);
  });

  it('with ttl 0 shares only a read in flight: once it settles, the next request reads again', async () => {
    const cache = new ResponseCache(0, () => 0);
    const first = deferred(1);
    let reads = 0;
    const a = cache.get('k', () => (reads++, first.promise));
    const b = cache.get('k', () => (reads++, Promise.resolve(99)));
    expect(reads).toBe(1);
    first.resolve();
    expect([await a, await b]).toEqual([1, 1]);
    // Same clock instant, so only the settled read (not a ttl) could serve it.
    expect(await cache.get('k', () => (reads++, Promise.resolve(2)))).toBe(2);
    expect(reads).toBe(2);
  });
});
