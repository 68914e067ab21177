import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ServiceError, UserError } from '../../errors.js';
import type { ArchiveStore } from './store.js';

/**
 * The archive in a directory. An object is written to a hidden temporary file beside its name, fsynced,
 * renamed, and the directory fsynced: a reader never sees half an object, and once `put` resolves the
 * object survives a crash of the process or the machine.
 */
export class FileStore implements ArchiveStore {
  readonly url: string;

  constructor(readonly root: string) {
    this.url = `file://${root}`;
  }

  async check(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      await access(this.root, constants.W_OK);
    } catch (err) {
      throw this.translate(err);
    }
  }

  async put(key: string, body: Buffer): Promise<void> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(temp, body, { flush: true });
      await rename(temp, file);
      await syncDirectory(dir);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => {});
      throw this.translate(err);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys = await this.walk(prefix);
    return keys.filter((k) => !path.posix.basename(k).startsWith('.'));
  }

  async delete(keys: readonly string[]): Promise<void> {
    try {
      for (const key of keys) await rm(this.pathOf(key), { force: true });
    } catch (err) {
      throw this.translate(err);
    }
  }

  async discardUnfinished(prefix: string): Promise<void> {
    const dir = path.posix.dirname(prefix);
    const hidden = `${dir}/.${path.posix.basename(prefix)}`;
    const temps = (await this.walk(hidden)).filter((k) => k.endsWith('.tmp'));
    await this.delete(temps);
  }

  close(): void {}

  /** Keys of files under the directory of `prefix` that start with `prefix` (hidden ones too). */
  private async walk(prefix: string): Promise<string[]> {
    const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const base = dir === '' ? this.root : this.pathOf(dir);
    let entries;
    try {
      entries = await readdir(base, { recursive: true, withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.translate(err);
    }
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private translate(err: unknown): unknown {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST')
      return new UserError(`cannot write the archive under ${this.root} (${code})`, {
        hint: 'choose a directory this user may write, e.g. --archive file:///var/lib/citystream/archive',
        cause: err,
      });
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO')
      return new ServiceError(`writing the archive under ${this.root} failed (${code})`, {
        hint: 'free space on that file system',
        cause: err,
      });
    return err;
  }
}

/** Makes a rename in `dir` durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
