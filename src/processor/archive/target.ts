import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.js';

/** Where `--archive` writes: a directory, or a bucket and a key prefix. Parsed without I/O. */
export type ArchiveTarget =
  { kind: 'file'; url: string; root: string } | { kind: 's3'; url: string; bucket: string; prefix: string };

const HINT =
  'archive to a directory (--archive file:///var/lib/citystream/archive) or to S3 (--archive s3://bucket/prefix)';
/** S3's rules for new buckets: 3-63 characters of a-z 0-9 . -, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseArchiveTarget(value: string): ArchiveTarget {
  const text = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 's3') return s3Target(text);
  if (scheme === 'file') return fileTarget(text);
  if (scheme === undefined)
    throw new UserError(`--archive: expected a file:// or s3:// URL, got "${value}"`, { hint: HINT });
  throw new UserError(`--archive: ${scheme}:// is not an archive target`, { hint: HINT });
}

function s3Target(text: string): ArchiveTarget {
  const match = /^s3:\/\/([^/?#]*)([^?#]*)$/i.exec(text);
  const bucket = match?.[1] ?? '';
  if (!match || bucket === '')
    throw new UserError(`--archive: "${text}" names no bucket`, { hint: 'write it as s3://bucket/prefix' });
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    throw new UserError(`--archive: "${bucket}" is not a valid S3 bucket name`, {
      hint: 'bucket names are 3-63 lower-case letters, digits, dots and hyphens',
    });
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/');
  return { kind: 's3', url: `s3://${bucket}${prefix ? `/${prefix}` : ''}`, bucket, prefix };
}

function fileTarget(text: string): ArchiveTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--archive: "${text}" is not a file URL`, {
      hint: 'write it as file:///absolute/directory',
    });
  }
  if (url.hostname !== '' && url.hostname !== 'localhost')
    throw new UserError(`--archive: "${text}" names a host (${url.hostname}), not a local directory`, {
      hint: 'a file URL takes three slashes and an absolute path: file:///var/lib/citystream/archive',
    });
  if (url.search || url.hash)
    throw new UserError(`--archive: "${text}" has a query or fragment`, {
      hint: 'write it as file:///absolute/directory',
    });
  const root = path.resolve(fileURLToPath(url));
  if (root === path.parse(root).root)
    throw new UserError('--archive: the archive cannot be the root directory', {
      hint: 'name a directory of its own',
    });
  return { kind: 'file', url: `file://${root}`, root };
}
