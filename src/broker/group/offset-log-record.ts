import { crc32c } from '../log/crc32c.js';
import type { CommittedOffset, PartitionRef } from './offset-store.js';

/**
 * One record of the offsets log: everything one OffsetCommit stored for one group, so a commit of several
 * partitions is applied whole or not at all.
 *
 *   length uint32 | crc32c(payload) uint32 | payload (UTF-8 JSON: { g: groupId, o: [entry…] })
 *   entry: [topic, partition, offset, leaderEpoch, metadata, commitTimestamp]
 *
 * A removal (DeleteGroups, OffsetDelete) is a record with `d`: the [topic, partition] pairs it forgets,
 * or "all" for every offset the group has at that point of the log. Records without `d` are commits, so
 * a log written before removals existed reads the same.
 *
 * JSON keeps the file readable with `strings` when something goes wrong; commits are small and rare
 * next to produce traffic, so its cost does not matter.
 */
const HEADER_BYTES = 8;

type Entry = [string, number, number, number, string | null, number];

export interface OffsetLogRecord {
  groupId: string;
  offsets: CommittedOffset[];
  /** Set on a removal record: what it forgets (null: everything the group has). */
  removed?: PartitionRef[] | null;
}

type Payload = { g: string; o: Entry[]; d?: [string, number][] | 'all' };

export function encodeOffsetRecord(record: OffsetLogRecord): Buffer {
  const entries: Entry[] = record.offsets.map((o) => [
    o.topic,
    o.partition,
    o.offset,
    o.leaderEpoch,
    o.metadata,
    o.commitTimestamp,
  ]);
  const json: Payload = { g: record.groupId, o: entries };
  if (record.removed !== undefined)
    json.d = record.removed === null ? 'all' : record.removed.map((p) => [p.topic, p.partition]);
  const payload = Buffer.from(JSON.stringify(json), 'utf8');
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
    const { g, o, d } = JSON.parse(payload.toString('utf8')) as Payload;
    const offsets = o.map(([topic, partition, offset, leaderEpoch, metadata, commitTimestamp]) => ({
      topic,
      partition,
      offset,
      leaderEpoch,
      metadata,
      commitTimestamp,
    }));
    if (d === undefined) return { groupId: g, offsets };
    const removed = d === 'all' ? null : d.map(([topic, partition]) => ({ topic, partition }));
    return { groupId: g, offsets, removed };
  } catch {
    // A checksum match on unparseable JSON would be a bug of ours; recovery treats it like a torn tail.
    return null;
  }
}
