import type { S3Target } from '../../clients/s3.js';
import type { ArchiveTarget } from './target.js';

/**
 * Where archive objects go: a directory or an S3 prefix. Keys are `/`-separated paths below the target's
 * root. `put` resolves only once the object is durable (fsynced and renamed; S3's PUT acknowledged).
 */
export interface ArchiveStore {
  /** The target, for messages: file:///dir or s3://bucket/prefix. */
  readonly url: string;
  /** Fails with a one-line error when the target cannot be used (no bucket, no credentials, not writable). */
  check(): Promise<void>;
  put(key: string, body: Buffer): Promise<void>;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string): Promise<string[]>;
  delete(keys: readonly string[]): Promise<void>;
  /** Removes what interrupted writes under `prefix` left behind (a directory's temporary files). */
  discardUnfinished(prefix: string): Promise<void>;
  close(): void;
}

/** The store of a parsed target; the S3 SDK loads only for an s3:// target. */
export async function openStore(
  target: ArchiveTarget,
  config: S3Target,
  env: Record<string, string | undefined>,
): Promise<ArchiveStore> {
  if (target.kind === 'file') return new (await import('./file-store.js')).FileStore(target.root);
  const [{ createS3Client }, { S3Store }] = await Promise.all([
    import('../../clients/s3.js'),
    import('./s3-store.js'),
  ]);
  const connection = createS3Client(config, env, { bucket: target.bucket, prefix: target.prefix });
  return new S3Store(connection.client, target.bucket, target.prefix);
}
