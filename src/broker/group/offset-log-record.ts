import { crc32c } from '../log/crc32c.js';
import type { CommittedOffset } from './offset-store.js';

/**
 * One record of the offsets log: everything one OffsetCommit stored for one group, so a commit of several
 * partitions is applied whole or not at all.
 *
 *   length uint32 | crc32c(payload) uint32 | payload (UTF-8 JSON: { g: groupId, o: [entry…] })
 *   entry: [topic, partition, offset, leaderEpoch, metadata, commitTimestamp]
 *
 * JSON keeps the file readable with `strings` when something goes wrong; commits are small and rare
 * next to produce traffic, so its cost does not matter.
 */
const HEADER_BYTES = 8;

type Entry = [string, number, number, number, string | null, number];

export interface OffsetLogRecord {
  groupId: string;
  offsets: CommittedOffset[];
}

export function encodeOffsetRecord(record: OffsetLogRecord): Buffer {
  const entries: Entry[] = record.offsets.map((o) => [
    o.topic,
    o.partition,
    o.offset,
    o.leaderEpoch,
    o.metadata,
    o.commitTimestamp,
  ]);
  const payload = Buffer.from(JSON.stringify({ g: record.groupId, o: entries }), 'utf8');
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32c(payload), 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

export interface DecodedOffsetLog {
  records: OffsetLogRecord[];
  /** Bytes up to the end of the last intact record; anything after it is a torn or corrupt tail. */
  validBytes: number;
}

/** Reads records until the end or the first one that is incomplete or fails its checksum. */
export function decodeOffsetLog(buf: Buffer): DecodedOffsetLog {
  const records: OffsetLogRecord[] = [];
  let pos = 0;
  while (pos + HEADER_BYTES <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const end = pos + HEADER_BYTES + length;
    // A length past the end of the file is a torn record (or a corrupt length); nothing is allocated for it.
    if (end > buf.length) break;
    const payload = buf.subarray(pos + HEADER_BYTES, end);
    if (crc32c(payload) !== buf.readUInt32BE(pos + 4)) break;
    const record = parsePayload(payload);
    if (!record) break;
    records.push(record);
    pos = end;
  }
  return { records, validBytes: pos };
}

function parsePayload(payload: Buffer): OffsetLogRecord | null {
  try {
    const { g, o } = JSON.parse(payload.toString('utf8')) as { g: string; o: Entry[] };
    const offsets = o.map(([topic, partition, offset, leaderEpoch, metadata, commitTimestamp]) => ({
      topic,
      partition,
      offset,
      leaderEpoch,
      metadata,
      commitTimestamp,
    }));
    return { groupId: g, offsets };
  } catch {
    // A checksum match on unparseable JSON would be a bug of ours; recovery treats it like a torn tail.
    return null;
  }
}
