/**
 * The archive's layout, as pure functions: one gzip NDJSON object per partition, offset range and hour of
 * the record time (UTC), at `<topic>/dt=YYYY-MM-DD/hour=HH/part-<partition>-<first>-<last>.ndjson.gz`
 * below the target's root. The name is a function of what the object holds, so the same range archived
 * again rewrites the same object.
 */

/** A consumed message as the archive keeps it: the value as Kafka holds it, read as UTF-8 text. */
export interface ArchivedMessage {
  offset: number;
  /** The record's timestamp, ms since the epoch. */
  timestamp: number;
  key: string | null;
  value: string | null;
}

/** A buffered message: its NDJSON line and the hour (`2026-11-22T08`) whose directory it goes to. */
export interface ArchiveEntry {
  offset: number;
  hour: string;
  line: string;
}

export interface ArchiveObject {
  /** Path below the target's root, `/`-separated. */
  key: string;
  hour: string;
  /** The NDJSON text, one line per message, before gzip. */
  body: string;
  count: number;
  first: number;
  last: number;
}

/** The UTC hour of a record time, `YYYY-MM-DDTHH`. */
export function hourOf(timestamp: number): string {
  return new Date(Number.isFinite(timestamp) ? timestamp : 0).toISOString().slice(0, 13);
}

export function entryOf(topic: string, partition: number, m: ArchivedMessage): ArchiveEntry {
  const line = JSON.stringify({
    topic,
    partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
  });
  return { offset: m.offset, hour: hourOf(m.timestamp), line };
}

/** `<topic>/dt=2026-11-22/hour=08` */
export function hourDirectory(topic: string, hour: string): string {
  return `${topic}/dt=${hour.slice(0, 10)}/hour=${hour.slice(11, 13)}`;
}

/** The key prefix of one partition's objects in one hour (`part-1-` never matches `part-10-…`). */
export function partitionPrefix(topic: string, hour: string, partition: number): string {
  return `${hourDirectory(topic, hour)}/part-${partition}-`;
}

/** The objects a partition's buffered range becomes: one per hour its records fall in, by hour. */
export function archiveObjects(
  topic: string,
  partition: number,
  entries: readonly ArchiveEntry[],
): ArchiveObject[] {
  const byHour = new Map<string, ArchiveEntry[]>();
  for (const entry of entries) {
    const list = byHour.get(entry.hour) ?? [];
    list.push(entry);
    byHour.set(entry.hour, list);
  }
  return [...byHour]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([hour, list]) => {
      const sorted = [...list].sort((a, b) => a.offset - b.offset);
      const first = sorted[0]!.offset;
      const last = sorted[sorted.length - 1]!.offset;
      return {
        key: `${partitionPrefix(topic, hour, partition)}${first}-${last}.ndjson.gz`,
        hour,
        body: sorted.map((e) => `${e.line}\n`).join(''),
        count: sorted.length,
        first,
        last,
      };
    });
}

const NAME = /(?:^|\/)part-(\d+)-(\d+)-(\d+)\.ndjson\.gz$/;

/** Partition and offset range from an object's key; undefined for anything that is not an archive object. */
export function parseObjectKey(key: string): { partition: number; first: number; last: number } | undefined {
  const match = NAME.exec(key);
  if (!match) return undefined;
  return { partition: Number(match[1]), first: Number(match[2]), last: Number(match[3]) };
}

/**
 * The objects of `partition` that start at `committed` or later: written by a flush whose offset was never
 * committed (the process died in between). The replay from `committed` writes their messages again.
 */
export function staleKeys(keys: readonly string[], partition: number, committed: number): string[] {
  return keys.filter((key) => {
    const name = parseObjectKey(key);
    return name !== undefined && name.partition === partition && name.first >= committed;
  });
}
