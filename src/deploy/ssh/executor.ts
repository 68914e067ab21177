import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RemoteStep } from '../remote/commands.js';
import { quote } from '../remote/shell.js';
import { classifyFailure, type HostDescription } from './errors.js';

/**
 * The one way citystream runs anything on a host: the system's `ssh`, through execa. Every command gets
 * BatchMode (never a prompt), connect and command timeouts, the stack's own known_hosts file and a
 * pinned host key: the first contact records the key (StrictHostKeyChecking=accept-new), every later
 * one requires it (yes); a changed key fails. Scripts and file contents travel on the channel's stdin,
 * so nothing but the command line itself — never a secret — is in a process argument list.
 */
export interface SpawnRequest {
  file: string;
  args: string[];
  cwd?: string;
  /** stdin: text, or a local file streamed in. */
  input?: string;
  inputFile?: string;
  timeoutMs?: number;
  /** Streams stdout line by line (follow mode); stdin stays open until `signal` aborts. */
  onStdout?: (chunk: string) => void;
  signal?: AbortSignal;
}

export interface SpawnResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export type Spawner = (request: SpawnRequest) => Promise<SpawnResult>;

/** Spawns through execa; never throws for a non-zero exit (callers classify). */
export const execaSpawner: Spawner = async (request) => {
  const { execa } = await import('execa');
  if (request.onStdout) {
    const child = execa(request.file, request.args, {
      reject: false,
      stdin: 'pipe',
      buffer: { stdout: false },
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => request.onStdout?.(chunk));
    const stop = () => {
      child.stdin.end();
      // The remote side stops when its stdin closes; if the channel hangs, stop ssh itself.
      setTimeout(() => child.kill('SIGTERM'), 5_000).unref();
    };
    if (request.signal?.aborted) stop();
    else request.signal?.addEventListener('abort', stop, { once: true });
    const result = await child;
    request.signal?.removeEventListener('abort', stop);
    return {
      exitCode: result.exitCode ?? 1,
      stdout: '',
      stderr: String(result.stderr ?? ''),
      timedOut: false,
    };
  }
  const result = await execa(request.file, request.args, {
    reject: false,
    cwd: request.cwd,
    ...(request.inputFile ? { inputFile: request.inputFile } : { input: request.input ?? '' }),
    timeout: request.timeoutMs,
    cancelSignal: request.signal,
    stripFinalNewline: false,
  });
  return {
    exitCode: result.exitCode ?? (result.timedOut ? 124 : 1),
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: Boolean(result.timedOut),
  };
};

export interface SshTarget {
  host: string;
  user: string;
  port: number;
  identityFile?: string;
  /** The stack's known_hosts file. */
  knownHostsFile: string;
}

export interface SshExecutorOptions {
  spawn?: Spawner;
  connectTimeoutSeconds?: number;
  /** Default time limit of one command. */
  commandTimeoutMs?: number;
  /** Receives each command's stderr (for --debug). */
  debug?: (line: string) => void;
}

export interface StepResult {
  stdout: string;
  stderr: string;
}

export class SshExecutor {
  readonly description: HostDescription;
  private readonly spawn: Spawner;

  constructor(
    readonly target: SshTarget,
    private readonly options: SshExecutorOptions = {},
  ) {
    this.spawn = options.spawn ?? execaSpawner;
    this.description = {
      label: `${target.user}@${target.host}:${target.port}`,
      host: target.host,
      port: target.port,
      user: target.user,
      knownHostsFile: target.knownHostsFile,
    };
  }

  /** The remote command line: the script through sh, as root (sudo -n for another user). */
  remoteCommand(script: string): string {
    const sh = `sh -c ${quote(script)}`;
    return this.target.user === 'root' ? sh : `sudo -n ${sh}`;
  }

  /** ssh's argv for one remote command. */
  async sshArgs(remoteCommand: string): Promise<string[]> {
    const args = await this.commonArgs();
    args.push('-T', `${this.target.user}@${this.target.host}`, remoteCommand);
    return args;
  }

  /**
   * ssh's argv for a local forward and nothing else (-N): 127.0.0.1:localPort here to 127.0.0.1:remotePort
   * on the host. ExitOnForwardFailure: if the local port cannot be bound, ssh exits instead of idling.
   */
  async forwardArgs(localPort: number, remotePort: number): Promise<string[]> {
    const args = await this.commonArgs();
    args.push(
      '-o',
      'ExitOnForwardFailure=yes',
      '-N',
      '-n',
      '-L',
      `127.0.0.1:${localPort}:127.0.0.1:${remotePort}`,
      `${this.target.user}@${this.target.host}`,
    );
    return args;
  }

  /** The options every ssh call gets: key, BatchMode, timeouts, the stack's pinned known_hosts. */
  private async commonArgs(): Promise<string[]> {
    const pinned = await readKnownHosts(this.target.knownHostsFile);
    const args = ['-p', String(this.target.port)];
    if (this.target.identityFile) args.push('-i', this.target.identityFile, '-o', 'IdentitiesOnly=yes');
    args.push(
      '-o',
      'BatchMode=yes',
      '-o',
      `ConnectTimeout=${this.options.connectTimeoutSeconds ?? 10}`,
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=4',
      '-o',
      `UserKnownHostsFile=${this.target.knownHostsFile}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      `StrictHostKeyChecking=${pinned.trim() === '' ? 'accept-new' : 'yes'}`,
      '-o',
      'HashKnownHosts=no',
      '-o',
      'LogLevel=ERROR',
    );
    return args;
  }

  /** Runs one step; a failure becomes a one-line UserError or ServiceError (see ssh/errors.ts). */
  async run(
    step: RemoteStep,
    options: { signal?: AbortSignal; allowFailure?: boolean } = {},
  ): Promise<StepResult & { exitCode: number }> {
    await ensureKnownHostsFile(this.target.knownHostsFile);
    const args = await this.sshArgs(this.remoteCommand(step.script));
    const result = await this.spawn({
      file: 'ssh',
      args,
      ...(step.input?.kind === 'file' ? { inputFile: step.input.path } : { input: step.input?.text ?? '' }),
      timeoutMs: step.timeoutMs ?? this.options.commandTimeoutMs ?? 120_000,
      signal: options.signal,
    });
    if (result.stderr.trim() !== '') this.options.debug?.(`${step.title}: ${result.stderr.trim()}`);
    if (result.exitCode !== 0 && !(options.allowFailure && result.exitCode !== 255 && !result.timedOut))
      throw classifyFailure(this.description, step.title, result);
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  }

  /** Runs a step whose output streams (journalctl -f) until `signal` aborts; then the remote side stops. */
  async stream(step: RemoteStep, onStdout: (chunk: string) => void, signal: AbortSignal): Promise<void> {
    await ensureKnownHostsFile(this.target.knownHostsFile);
    const args = await this.sshArgs(this.remoteCommand(step.script));
    const result = await this.spawn({ file: 'ssh', args, onStdout, signal });
    if (result.exitCode !== 0 && !signal.aborted) throw classifyFailure(this.description, step.title, result);
  }

  /** The host key lines pinned for this host (known_hosts format). */
  pinnedKey(): Promise<string> {
    return readKnownHosts(this.target.knownHostsFile);
  }
}

async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** The known_hosts file exists, mode 0600, before ssh writes the first key into it. */
async function ensureKnownHostsFile(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const text = await readKnownHosts(file);
  if (text === '') await writeFile(file, '', { mode: 0o600, flag: 'a' });
  await chmod(file, 0o600);
}
