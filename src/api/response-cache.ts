/**
 * Shared reads of documents by key. Concurrent requests for the same key share one read (single
 * flight): a request that arrives while a read for its key is under way gets that read's document, so
 * with `ttlMs` 0 a document is never older than the read it came from. With `ttlMs` > 0 a document is
 * also served for up to `ttlMs` after its read began, so what a client sees is never older than that.
 * Failed reads are not kept. Bounded: past `maxEntries` it starts afresh.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { at: number; pending: boolean; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
    /** Called for every request answered by another request's read. */
    private readonly onShared: () => void = () => {},
  ) {}

  get(key: string, read: () => Promise<unknown>): Promise<unknown> {
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && (hit.pending || at - hit.at < this.ttlMs)) {
      this.onShared();
      return hit.value;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = read();
    const entry = { at, pending: true, value };
    this.entries.set(key, entry);
    const settle = (keep: boolean) => {
      entry.pending = false;
      if (!keep && this.entries.get(key) === entry) this.entries.delete(key);
    };
    value.then(
      () => settle(this.ttlMs > 0),
      () => settle(false),
    );
    return value;
  }
}
