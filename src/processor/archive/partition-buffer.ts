import type { ArchiveEntry } from './objects.js';

export interface ArchiveLimits {
  /** Messages per object at most (`--archive-max-events`). */
  maxEvents: number;
  /** NDJSON bytes (before gzip) per flush at most (`--archive-max-bytes`). */
  maxBytes: number;
  /** How long the oldest buffered message waits at most, ms (`--archive-max-age`). */
  maxAgeMs: number;
  /** Distinct record hours per flush at most, so the pending hours fit in the commit metadata. */
  maxHours: number;
}

export const MAX_HOURS_PER_FLUSH = 24;

/**
 * One partition's messages not yet archived, in offset order, and the rule for when they are: at
 * `maxEvents` messages or `maxBytes` bytes (checked after each message, so a count-bound object always
 * holds exactly `maxEvents`), or once the oldest has waited `maxAgeMs`. No I/O; the clock is passed in.
 */
export class PartitionBuffer {
  private entries: ArchiveEntry[] = [];
  private bytes = 0;
  private readonly hours = new Set<string>();
  private startedAt = 0;
  /** The offset after the last one taken in; kafkajs hands a batch again after a failed eachBatch. */
  private next = -1;

  constructor(private readonly limits: ArchiveLimits) {}

  get size(): number {
    return this.entries.length;
  }

  /** False for an offset this buffer has already taken (held, or archived since). */
  accepts(entry: ArchiveEntry): boolean {
    return entry.offset >= this.next;
  }

  /** True when the entry would bring one hour too many into this flush: archive what is held first. */
  needsFlushBefore(entry: ArchiveEntry): boolean {
    return this.size > 0 && !this.hours.has(entry.hour) && this.hours.size >= this.limits.maxHours;
  }

  add(entry: ArchiveEntry, now: number): void {
    if (this.size === 0) this.startedAt = now;
    this.entries.push(entry);
    this.bytes += Buffer.byteLength(entry.line) + 1;
    this.hours.add(entry.hour);
    this.next = entry.offset + 1;
  }

  isFull(): boolean {
    return this.size >= this.limits.maxEvents || this.bytes >= this.limits.maxBytes;
  }

  isDue(now: number): boolean {
    return this.size > 0 && (this.isFull() || now - this.startedAt >= this.limits.maxAgeMs);
  }

  /** What a flush writes; the buffer keeps it until {@link clear} (a failed flush is tried again). */
  held(): readonly ArchiveEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
    this.bytes = 0;
    this.hours.clear();
  }
}
