import type { StoredClaim } from '../store/claim-writer.js';

/**
 * The claims this process has made or been told about, least recently used first. A stored claim does not
 * change until it expires, so a cached one answers "who won" without a round trip: a producer retry or a
 * second `kcat -P` run lands in the same partition, usually within the cache's reach. Bounded by count;
 * an expired entry is never served (and is dropped when met).
 */
export class ClaimCache {
  private readonly entries = new Map<string, StoredClaim>();

  constructor(private readonly maxEntries = 100_000) {}

  get(eventId: string, nowSeconds: number): StoredClaim | undefined {
    const claim = this.entries.get(eventId);
    if (!claim) return undefined;
    this.entries.delete(eventId);
    if (claim.expiresAt <= nowSeconds) return undefined;
    this.entries.set(eventId, claim); // most recently used last
    return claim;
  }

  set(eventId: string, claim: StoredClaim): void {
    this.entries.delete(eventId);
    this.entries.set(eventId, claim);
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
