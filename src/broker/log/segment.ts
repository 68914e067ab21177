import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  crcMatches,
  readBatchHeader,
  BATCH_HEADER_BYTES,
  LOG_OVERHEAD,
  type BatchHeader,
} from './record-batch.js';

/** Where one batch sits in a segment; the in-memory form of the offset index. */
export interface BatchEntry {
  baseOffset: number;
  lastOffset: number;
  position: number;
  size: number;
  maxTimestamp: number;
}

/** Offset index entry on disk: base offset relative to the segment, position, max timestamp. */
const INDEX_ENTRY_BYTES = 16;

export function segmentName(baseOffset: number, ext: 'log' | 'index'): string {
  return `${String(baseOffset).padStart(20, '0')}.${ext}`;
}

/**
 * One segment: `<baseOffset>.log` holds record batches back to back exactly as Kafka lays them out, and
 * `<baseOffset>.index` one 16-byte entry per batch. The index is derived data: a closed segment loads
 * from it when it agrees with the log, and is rebuilt from the log otherwise; the active segment is
 * always rescanned with CRCs on open, and a torn tail (partial or corrupt batch) is truncated.
 */
export class Segment {
  readonly entries: BatchEntry[] = [];
  size = 0;
  /** Wall-clock ms of the last append (file mtime after a restart): what time retention looks at. */
  lastAppendMs: number;
  readonly createdMs: number;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly log: FileHandle,
    readonly index: FileHandle,
    now: number,
  ) {
    this.lastAppendMs = now;
    this.createdMs = now;
  }

  get nextOffset(): number {
    return this.entries.at(-1)?.lastOffset ?? this.baseOffset - 1;
  }

  static async create(dir: string, baseOffset: number): Promise<Segment> {
    const log = await open(path.join(dir, segmentName(baseOffset, 'log')), 'a+');
    const index = await open(path.join(dir, segmentName(baseOffset, 'index')), 'a+');
    return new Segment(dir, baseOffset, log, index, Date.now());
  }

  /** Opens an existing segment; `verify` rescans the log with CRCs (the active segment after a crash). */
  static async load(
    dir: string,
    baseOffset: number,
    verify: boolean,
    log: (line: string) => void,
    onBatch: (h: BatchHeader) => void = () => {},
  ): Promise<Segment> {
    const logPath = path.join(dir, segmentName(baseOffset, 'log'));
    const segment = await Segment.create(dir, baseOffset);
    const info = await stat(logPath);
    segment.lastAppendMs = info.mtimeMs;
    const fromIndex = verify ? false : await segment.loadIndex(info.size);
    if (!fromIndex) {
      const validBytes = await segment.scan(info.size, onBatch);
      if (validBytes < info.size) {
        log(
          `${dir}: truncating ${segmentName(baseOffset, 'log')} from ${info.size} to ${validBytes} bytes (torn tail)`,
        );
        await segment.log.truncate(validBytes);
      }
      await segment.rewriteIndex();
    }
    return segment;
  }

  /** Reads batches from the start, stopping at the first that is short, misnumbered or fails its CRC. */
  private async scan(fileSize: number, onBatch: (h: BatchHeader) => void): Promise<number> {
    const chunkSize = 4 * 1024 * 1024;
    let position = 0;
    let expectedOffset = this.baseOffset;
    let buf: Buffer = Buffer.alloc(0);
    let bufStart = 0;
    while (position < fileSize) {
      if (position + LOG_OVERHEAD > bufStart + buf.length) {
        buf = await this.readAt(position, Math.min(chunkSize, fileSize - position));
        bufStart = position;
        if (buf.length < LOG_OVERHEAD) break;
      }
      const size = LOG_OVERHEAD + buf.readInt32BE(position - bufStart + 8);
      if (size < BATCH_HEADER_BYTES || position + size > fileSize) break;
      if (position + size > bufStart + buf.length) {
        buf = await this.readAt(position, Math.max(size, Math.min(chunkSize, fileSize - position)));
        bufStart = position;
      }
      const batch = buf.subarray(position - bufStart, position - bufStart + size);
      const h = readBatchHeader(batch);
      if (h.magic !== 2 || !crcMatches(batch) || h.baseOffset < expectedOffset) break;
      onBatch(h);
      this.entries.push({
        baseOffset: h.baseOffset,
        lastOffset: h.baseOffset + h.lastOffsetDelta,
        position,
        size,
        maxTimestamp: h.maxTimestamp,
      });
      expectedOffset = h.baseOffset + h.lastOffsetDelta + 1;
      position += size;
    }
    this.size = position;
    return position;
  }

  /** Loads the on-disk index if it describes the log exactly (last batch ends at the file's end). */
  private async loadIndex(fileSize: number): Promise<boolean> {
    const { size: indexSize } = await this.index.stat();
    if (indexSize === 0 || indexSize % INDEX_ENTRY_BYTES !== 0) return false;
    const raw = Buffer.alloc(indexSize);
    await this.index.read(raw, 0, indexSize, 0);
    const positions: number[] = [];
    for (let at = 0; at < indexSize; at += INDEX_ENTRY_BYTES) positions.push(raw.readInt32BE(at + 4));
    const lastHeader = await this.readAt(positions.at(-1)!, BATCH_HEADER_BYTES);
    if (lastHeader.length < BATCH_HEADER_BYTES) return false;
    const last = readBatchHeader(lastHeader);
    if (positions.at(-1)! + last.size !== fileSize) return false;
    for (let i = 0, at = 0; at < indexSize; i++, at += INDEX_ENTRY_BYTES) {
      const baseOffset = this.baseOffset + raw.readInt32BE(at);
      const nextBase =
        i + 1 < positions.length ? this.baseOffset + raw.readInt32BE(at + INDEX_ENTRY_BYTES) : undefined;
      const position = positions[i]!;
      this.entries.push({
        baseOffset,
        lastOffset: nextBase !== undefined ? nextBase - 1 : last.baseOffset + last.lastOffsetDelta,
        position,
        size: (positions[i + 1] ?? fileSize) - position,
        maxTimestamp: Number(raw.readBigInt64BE(at + 8)),
      });
    }
    this.size = fileSize;
    return true;
  }

  private async rewriteIndex(): Promise<void> {
    await this.index.truncate(0);
    if (this.entries.length > 0)
      await this.index.write(encodeIndex(this.entries, this.baseOffset), 0, undefined, 0);
  }

  /** Appends one batch (already numbered) and its index entry. */
  async append(batch: Buffer, entry: BatchEntry): Promise<void> {
    await this.log.write(batch);
    await this.index.write(encodeIndex([entry], this.baseOffset));
    this.entries.push(entry);
    this.size += entry.size;
    this.lastAppendMs = Date.now();
  }

  /**
   * Makes the log file's appended batches durable. The index is not synced: it is derived data that
   * recovery checks against the log (and rebuilds for the active segment), so one fdatasync per
   * acknowledgement is enough.
   */
  async sync(): Promise<void> {
    await this.log.datasync();
  }

  async readAt(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.log.read(buf, 0, length, position);
    return bytesRead === length ? buf : buf.subarray(0, bytesRead);
  }

  /** Index of the first batch whose last offset is >= offset, or entries.length. */
  findBatch(offset: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.log.close(), this.index.close()]);
  }
}

function encodeIndex(entries: readonly BatchEntry[], segmentBase: number): Buffer {
  const buf = Buffer.allocUnsafe(entries.length * INDEX_ENTRY_BYTES);
  entries.forEach((e, i) => {
    const at = i * INDEX_ENTRY_BYTES;
    buf.writeInt32BE(e.baseOffset - segmentBase, at);
    buf.writeInt32BE(e.position, at + 4);
    buf.writeBigInt64BE(BigInt(e.maxTimestamp), at + 8);
  });
  return buf;
}
