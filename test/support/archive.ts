import { gunzipSync } from 'node:zlib';
import type { ArchiveStore } from '../../src/processor/archive/store.js';
import { parseObjectKey } from '../../src/processor/archive/objects.js';

/** One line of an archive object, as a test reads it back. */
export interface ArchivedLine {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  /** The object it was found in. */
  object: string;
}

/**
 * Every line of every archive object under `prefix`, read through the store's own listing and the
 * object bytes (gunzipped here, independently of the writer), checking on the way that each object's
 * name says what it holds: its partition, its first and last offsets, and the hour of its records.
 */
export async function readArchive(
  store: ArchiveStore,
  read: (key: string) => Promise<Buffer>,
  prefix = '',
): Promise<ArchivedLine[]> {
  const lines: ArchivedLine[] = [];
  for (const key of await store.list(prefix)) {
    const name = parseObjectKey(key);
    if (!name) throw new Error(`not an archive object: ${key}`);
    const text = gunzipSync(await read(key)).toString('utf8');
    const records = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => ({ ...(JSON.parse(l) as Omit<ArchivedLine, 'object'>), object: key }));
    const offsets = records.map((r) => r.offset);
    if (records.some((r) => r.partition !== name.partition))
      throw new Error(`${key} holds another partition's records`);
    if (offsets[0] !== name.first || offsets[offsets.length - 1] !== name.last)
      throw new Error(`${key} holds offsets ${offsets[0]}..${offsets[offsets.length - 1]}`);
    for (const r of records) {
      const iso = new Date(r.timestamp).toISOString();
      if (!key.includes(`/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`))
        throw new Error(`${key} holds a record of ${iso}`);
    }
    lines.push(...records);
  }
  return lines.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
