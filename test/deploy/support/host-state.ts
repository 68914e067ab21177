import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { HOST_LAYOUT } from '../../../src/deploy/layout.js';
import { MONITORING_LAYOUT } from '../../../src/deploy/monitoring.js';
import { teardownStep } from '../../../src/deploy/remote/commands.js';
import type { TestSshd } from './sshd.js';

/** What the deploy end-to-end tests read of this machine, the "host" they deploy to. */

export function readlinkName(link: string): string {
  return path.basename(execFileSync('readlink', [link], { encoding: 'utf8' }).trim());
}

/** The stand-in's main PIDs per unit (undefined under real systemd). */
export function unitPids(sshd: TestSshd): Record<string, number> | undefined {
  if (!existsSync(sshd.standInState)) return undefined;
  const pids: Record<string, number> = {};
  for (const f of readdirSync(sshd.standInState).filter((n) => n.endsWith('.json')))
    pids[f] = (JSON.parse(readFileSync(path.join(sshd.standInState, f), 'utf8')) as { pid: number }).pid;
  return pids;
}

/** Removes what an earlier, interrupted run may have left on this machine (the teardown script itself). */
export function cleanHost(sshd: TestSshd): void {
  const dirs = [
    HOST_LAYOUT.root,
    HOST_LAYOUT.etcDir,
    HOST_LAYOUT.dataDir,
    MONITORING_LAYOUT.etcDir,
    MONITORING_LAYOUT.dataDir,
  ];
  if (!dirs.some((d) => existsSync(d))) return;
  execFileSync('sh', ['-c', teardownStep(false).script], {
    env: { ...process.env, PATH: `${path.join(sshd.dir, 'bin')}:${process.env.PATH ?? ''}` },
    stdio: 'ignore',
  });
}

/**
 * The addresses something listens on at `port` over TCP, from /proc/net/tcp and tcp6 (state 0A, LISTEN):
 * "127.0.0.1", "0.0.0.0", "::", …
 */
export function listenAddresses(port: number): string[] {
  return listeners(port).map((l) => l.address);
}

/** The uids of the processes that hold a listening socket on `port` (found through /proc/<pid>/fd). */
export function listenerUids(port: number): number[] {
  const inodes = new Set(listeners(port).map((l) => `socket:[${l.inode}]`));
  const uids = new Set<number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`))
        if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) uids.add(processUid(Number(pid)));
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  return [...uids];
}

function listeners(port: number): Array<{ address: string; inode: string }> {
  const found: Array<{ address: string; inode: string }> = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [, local, , state] = fields;
      if (state !== '0A' || !local) continue;
      const [hex, portHex] = local.split(':') as [string, string];
      if (parseInt(portHex, 16) !== port) continue;
      found.push({ address: hex.length === 8 ? ipv4(hex) : ipv6(hex), inode: fields[9] ?? '' });
    }
  }
  return found;
}

function ipv4(hex: string): string {
  // Little-endian: 0100007F is 127.0.0.1.
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function ipv6(hex: string): string {
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  return hex;
}

/** The uid a process runs as (from /proc/<pid>/status). */
export function processUid(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

/** Every process's argument list on this machine, NUL-separated arguments joined by spaces. */
export function allCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // The process ended meanwhile.
    }
  }
  return lines;
}
