import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { ServiceName } from './layout.js';

/**
 * The local record of a stack: `.citystream/stacks/<name>.json` (mode 0600) says where the stack runs
 * and which host key is pinned; `<name>.known_hosts` (0600) is ssh's own file for it. Never a secret:
 * no private key (only its path), no environment values.
 */
export interface StackRecord {
  name: string;
  host: string;
  user: string;
  port: number;
  identityFile?: string;
  /** The pinned host key lines (the same as <name>.known_hosts). */
  hostKey: string;
  release?: string;
  services: ServiceName[];
  apiPort: number;
  kafka: 'embedded' | 'external';
  /** Kafka bootstrap as clients outside the host reach it. */
  brokers: string[];
  /** With --monitoring: the ports of Prometheus and Grafana on 127.0.0.1 of the host (`citystream tunnel`). */
  monitoring?: { prometheusPort: number; grafanaPort: number };
  deployedAt?: string;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function validateStackName(name: string): string {
  if (!NAME.test(name))
    throw new UserError(`"${name}" is not a stack name`, {
      hint: 'use 1 to 63 lower-case letters, digits and hyphens, starting with a letter or digit',
    });
  return name;
}

export function stacksDir(cwd: string, dataDir: string): string {
  return path.resolve(cwd, dataDir, 'stacks');
}

export function recordPath(dir: string, name: string): string {
  return path.join(dir, `${name}.json`);
}

export function knownHostsPath(dir: string, name: string): string {
  return path.join(dir, `${name}.known_hosts`);
}

export async function readStackRecord(dir: string, name: string): Promise<StackRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as StackRecord;
  } catch {
    throw new UserError(`the stack record ${recordPath(dir, name)} is not valid JSON`, {
      hint: 'fix or delete it; deploy again with --host to write a new one',
    });
  }
}

/** Writes the record atomically with mode 0600 (the directory 0700). */
export async function writeStackRecord(dir: string, record: StackRecord): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = recordPath(dir, record.name);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

export async function removeStackRecord(dir: string, name: string): Promise<void> {
  await rm(recordPath(dir, name), { force: true });
}

/** Writes a host key known out of band (the AWS deploy) as the stack's known_hosts, mode 0600. */
export async function pinHostKey(dir: string, name: string, knownHostsLine: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = knownHostsPath(dir, name);
  await writeFile(file, knownHostsLine.endsWith('\n') ? knownHostsLine : `${knownHostsLine}\n`, {
    mode: 0o600,
  });
  await chmod(file, 0o600);
}
