import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeOffsetLog, encodeOffsetRecord, type OffsetLogRecord } from './offset-log-record.js';
import { syncDirectory } from '../log/sync-directory.js';
import { OffsetTable, type CommittedOffset, type OffsetStore, type PartitionRef } from './offset-store.js';

export const OFFSETS_LOG_FILE = 'consumer-offsets.log';

export interface OffsetLogStoreOptions {
  /** Rewrite the log once it holds this many entries more than the live ones (and at least this many). */
  compactAfterEntries?: number;
  /** Called with one line when recovery drops a torn tail. */
  log?: (line: string) => void;
}

interface QueuedCommit {
  bytes: Buffer;
  entries: number;
  apply: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Committed offsets, durable: an append-only log under the broker's data directory, replayed into memory
 * on open. A commit resolves only after its record is fsynced; commits that arrive while a write is in
 * flight are written and fsynced together (group commit), so many consumers committing at once cost one
 * fsync per round instead of one each. Reads never touch the disk.
 *
 * Recovery keeps every intact record and truncates the file after the last one, so a record torn by a
 * crash mid-write is dropped (its commit was never acknowledged). The log is compacted, rewritten with one
 * entry per live (group, topic, partition) through a temporary file and an atomic rename, when it has
 * grown well past its live size, and once on open.
 */
export class OffsetLogStore implements OffsetStore {
  private readonly table = new OffsetTable();
  private queue: QueuedCommit[] = [];
  private writing: Promise<void> | null = null;
  private entriesInFile = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private file: FileHandle,
    private readonly compactAfterEntries: number,
  ) {}

  static async open(dir: string, options: OffsetLogStoreOptions = {}): Promise<OffsetLogStore> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, OFFSETS_LOG_FILE);
    const contents = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    });
    const { records, validBytes } = decodeOffsetLog(contents);
    if (validBytes < contents.length) {
      options.log?.(`offsets log: dropped a torn tail of ${contents.length - validBytes} bytes in ${path}`);
    }
    const file = await open(path, 'a');
    const store = new OffsetLogStore(dir, file, options.compactAfterEntries ?? 10_000);
    for (const record of records) {
      for (const o of record.offsets) store.table.put(record.groupId, o);
      if (record.removed !== undefined) store.table.remove(record.groupId, record.removed);
      store.entriesInFile += recordEntries(record.offsets, record.removed);
    }
    // Rewriting on open also removes the torn tail, which appending after it would otherwise bury.
    if (validBytes < contents.length || store.entriesInFile > store.table.size) await store.compact();
    return store;
  }

  commit(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    if (offsets.length === 0) return this.closed ? this.rejectClosed() : Promise.resolve();
    const copies = offsets.map((o) => ({ ...o }));
    // Visible to OffsetFetch only once durable, so nobody reads an offset a crash could take back.
    return this.enqueue({ groupId, offsets: copies }, () =>
      copies.forEach((o) => this.table.put(groupId, o)),
    );
  }

  remove(groupId: string, partitions: readonly PartitionRef[] | null): Promise<void> {
    const removed = partitions === null ? null : partitions.map((p) => ({ ...p }));
    // Applied once durable too: a crash before the fsync leaves the offsets, and the client was not told.
    return this.enqueue({ groupId, offsets: [], removed }, () => this.table.remove(groupId, removed));
  }

  private rejectClosed(): Promise<void> {
    return Promise.reject(new Error('offsets store is closed'));
  }

  private enqueue(record: OffsetLogRecord, apply: () => void): Promise<void> {
    if (this.closed) return this.rejectClosed();
    return new Promise((resolve, reject) => {
      this.queue.push({
        bytes: encodeOffsetRecord(record),
        entries: recordEntries(record.offsets, record.removed),
        apply,
        resolve,
        reject,
      });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.file.write(Buffer.concat(batch.map((c) => c.bytes)));
        await this.file.datasync();
        for (const c of batch) {
          c.apply();
          this.entriesInFile += c.entries;
          c.resolve();
        }
      } catch (err) {
        for (const c of batch) c.reject(err);
      }
      if (this.entriesInFile - this.table.size >= this.compactAfterEntries) {
        await this.compact().catch(() => {
          // A failed compaction leaves the old log in place, which is still complete; retry next time.
        });
      }
    }
    this.writing = null;
  }

  private async compact(): Promise<void> {
    const path = join(this.dir, OFFSETS_LOG_FILE);
    const tmp = `${path}.tmp`;
    const out = await open(tmp, 'w');
    let entries = 0;
    try {
      const records = this.table
        .groupIds()
        .map((groupId) => ({ groupId, offsets: this.table.list(groupId) }));
      for (const r of records) entries += r.offsets.length;
      await out.write(Buffer.concat(records.map(encodeOffsetRecord)));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    await syncDirectory(this.dir); // the rename is data too
    await this.file.close();
    this.file = await open(path, 'a');
    this.entriesInFile = entries;
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.table.get(groupId, topic, partition);
  }

  list(groupId: string): CommittedOffset[] {
    return this.table.list(groupId);
  }

  groupIds(): string[] {
    return this.table.groupIds();
  }

  /** Waits for commits in flight, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing) await this.writing;
    await this.file.close();
  }
}

/** What a record counts toward compaction: its entries, and one for a removal of everything. */
function recordEntries(
  offsets: readonly CommittedOffset[],
  removed: readonly PartitionRef[] | null | undefined,
): number {
  if (removed === undefined) return offsets.length;
  return offsets.length + (removed === null ? 1 : removed.length);
}
