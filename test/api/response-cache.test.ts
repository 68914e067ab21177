import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/api/response-cache.js';

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
});
