import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { knownHostsPath, readStackRecord, recordPath } from '../stack-record.js';

/**
 * The local record of a stack on AWS (`.citystream/stacks/<name>.aws.json`) and its private key
 * (`<name>.pem`), both mode 0600. The record holds ids, addresses and the pinned host key: nothing
 * secret. It is a convenience: status and teardown find the stack by tag without it. Beside it, the
 * --host deploy that installs the services keeps its own record, `<name>.json` and `<name>.known_hosts`
 * (src/deploy/stack-record.ts); the two never share a file.
 */

export interface StackRecord {
  stack: string;
  region: string;
  version: string;
  updatedAt: string;
  allowCidr: string;
  instanceId?: string;
  publicIp?: string;
  hostKey?: string;
  securityGroupId?: string;
  keyName: string;
  roleName: string;
  instanceProfileName: string;
  secretArn?: string;
  tables: string[];
}

export interface StackFiles {
  dir: string;
  stack: string;
  record: string;
  key: string;
}

export function awsRecordPath(dir: string, stack: string): string {
  return path.join(dir, `${stack}.aws.json`);
}

export function stackFiles(cwd: string, dataDir: string, stack: string): StackFiles {
  const dir = path.resolve(cwd, dataDir, 'stacks');
  return { dir, stack, record: awsRecordPath(dir, stack), key: path.join(dir, `${stack}.pem`) };
}

export async function readRecord(files: StackFiles): Promise<StackRecord | undefined> {
  try {
    return JSON.parse(await readFile(files.record, 'utf8')) as StackRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function writeRecord(files: StackFiles, record: StackRecord): Promise<void> {
  await writePrivate(files, files.record, `${JSON.stringify(record, null, 2)}\n`);
}

/** Writes the private key once, created with mode 0600 (never world-readable, not even briefly). */
export async function writePrivateKey(files: StackFiles, pem: string): Promise<void> {
  await writePrivate(files, files.key, pem.endsWith('\n') ? pem : `${pem}\n`);
}

async function writePrivate(files: StackFiles, file: string, text: string): Promise<void> {
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600); // an existing file keeps its old mode on writeFile
}

export async function hasKey(files: StackFiles): Promise<boolean> {
  try {
    await readFile(files.key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the record and the key; and the --host deploy's record and known_hosts of the same stack when
 * they are the instance's (they name this stack's key file): without the instance they point nowhere.
 */
export async function removeLocal(files: StackFiles): Promise<string[]> {
  const hostRecord = await readStackRecord(files.dir, files.stack).catch(() => undefined);
  const hostFiles =
    hostRecord?.identityFile === files.key
      ? [recordPath(files.dir, files.stack), knownHostsPath(files.dir, files.stack)]
      : [];
  const removed: string[] = [];
  for (const f of [files.record, files.key, ...hostFiles]) {
    try {
      await readFile(f);
      await rm(f);
      removed.push(f);
    } catch {
      // not there: nothing to remove
    }
  }
  return removed;
}
