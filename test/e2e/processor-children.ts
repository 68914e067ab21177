import { spawn, type ChildProcess } from 'node:child_process';
import type { Config } from '../../src/config/settings.js';

/**
 * Processors in processes of their own (test/e2e/fixtures/processor-child.ts), for the tests that kill
 * them or run several members of one group.
 */
const CHILD = new URL('./fixtures/processor-child.ts', import.meta.url).pathname;

export const children = new Set<ChildProcess>();

/** Starts a processor child; resolves once it consumes. */
export function startChild(config: Config, sessionTimeoutMs: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify({ config, sessionTimeoutMs })],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`processor child exited (${code}) before ready: ${stderr}`)),
    );
  });
}

/** SIGKILL, resolved once the child is gone. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
