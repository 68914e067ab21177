import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { UserError } from '../../errors.js';

/**
 * The raw archive of the clickstream: every consumed message, as Kafka holds it, in gzip NDJSON objects
 * under `dt=YYYY-MM-DD/hour=HH/` (the hour of the record's timestamp, UTC), one object per partition and
 * offset range, named `part-<partition>-<firstOffset>-<lastOffset>.ndjson.gz`. An object is written to a
 * temporary name and renamed, so a reader never sees half of one, and a replay of the same range rewrites
 * the same object. A batch is archived before its PostgreSQL transaction; what a crash left beyond the
 * stored offset is removed ({@link FileArchive.discardFrom}) before the partition is processed again, so
 * the archive holds every message exactly once. Only `file://` targets here; S3 is a later slice.
 */

export interface ArchivedMessage {
  offset: number;
  /** The record's timestamp, ms since the epoch. */
  timestamp: number;
  key: string | null;
  value: string | null;
}

export interface ArchiveObject {
  /** Path below the archive's root, `/`-separated. */
  key: string;
  /** The NDJSON text (not yet compressed). */
  body: string;
  count: number;
}

const NAME = /^part-(\d+)-(\d+)-(\d+)\.ndjson\.gz$/;

/** The objects one partition's offset range becomes: one per hour its records fall in. Pure. */
export function archiveObjects(partition: number, messages: readonly ArchivedMessage[]): ArchiveObject[] {
  const byHour = new Map<string, ArchivedMessage[]>();
  for (const m of messages) {
    const iso = new Date(m.timestamp).toISOString();
    const dir = `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
    const list = byHour.get(dir) ?? [];
    list.push(m);
    byHour.set(dir, list);
  }
  return [...byHour]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([dir, list]) => {
      const sorted = [...list].sort((a, b) => a.offset - b.offset);
      const first = sorted[0]!.offset;
      const last = sorted[sorted.length - 1]!.offset;
      const body = sorted
        .map((m) =>
          JSON.stringify({ partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value }),
        )
        .join('\n');
      return {
        key: `${dir}/part-${partition}-${first}-${last}.ndjson.gz`,
        body: `${body}\n`,
        count: sorted.length,
      };
    });
}

export interface RawArchive {
  /** Where it writes, for messages. */
  readonly url: string;
  write(partition: number, messages: readonly ArchivedMessage[]): Promise<void>;
  /** Removes this partition's objects that start at `offset` or later (written, never committed). */
  discardFrom(partition: number, offset: number): Promise<number>;
}

export function archiveFromUrl(url: string): RawArchive {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--archive: expected file:///directory, got "${url}"`);
  }
  if (parsed.protocol === 'file:') return new FileArchive(fileURLToPath(parsed));
  throw new UserError(`--archive: ${parsed.protocol}// is not supported yet`, {
    hint: 'archive to a directory: --archive file:///var/lib/citystream/archive',
  });
}

const gzipAsync = promisify(gzip);

export class FileArchive implements RawArchive {
  readonly url: string;
  constructor(readonly root: string) {
    this.url = `file://${root}`;
  }

  async write(partition: number, messages: readonly ArchivedMessage[]): Promise<void> {
    for (const object of archiveObjects(partition, messages)) {
      const file = path.join(this.root, ...object.key.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, await gzipAsync(object.body), { flush: true });
      await rename(temp, file);
    }
  }

  async discardFrom(partition: number, offset: number): Promise<number> {
    let removed = 0;
    for (const key of await this.list()) {
      const match = NAME.exec(path.posix.basename(key));
      if (!match || Number(match[1]) !== partition || Number(match[2]) < offset) continue;
      await rm(path.join(this.root, ...key.split('/')), { force: true });
      removed += 1;
    }
    return removed;
  }

  /** Every object's key, sorted (temporary files left by a crash are not objects). */
  async list(): Promise<string[]> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [];
        throw err;
      },
    );
    return entries
      .filter((e) => e.isFile() && NAME.test(e.name))
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
  }
}
