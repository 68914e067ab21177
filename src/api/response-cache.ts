/**
 * A short-lived cache of documents by key, with concurrent requests for the same key sharing one read
 * (single flight). A document is served for at most `ttlMs` after its read began, so what a client sees
 * is never older than that. Failed reads are not kept. Bounded: past `maxEntries` it starts afresh.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, read: () => Promise<unknown>): Promise<unknown> {
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && at - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = read();
    this.entries.set(key, { at, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
