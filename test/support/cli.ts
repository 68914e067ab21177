import { PassThrough } from 'node:stream';
import { main, run } from '../../src/cli.js';
import type { CliIO } from '../../src/commands/context.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  /** Pretend stdout/stderr are terminals. */
  tty?: boolean;
}

/** Builds in-memory streams and an IO object for running the CLI in-process. */
export function captureIO(options: CliOptions = {}): {
  io: CliIO;
  output: () => { stdout: string; stderr: string };
} {
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdout.isTTY = options.tty ?? false;
  stderr.isTTY = options.tty ?? false;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const io: CliIO = {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
  };
  return {
    io,
    output: () => ({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
  };
}

/** Runs the CLI in-process the way bin/citystream.js does, returning the exit code and captured output. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<CliResult> {
  const { io, output } = captureIO(options);
  const code = await main(argv, io);
  return { code, ...output() };
}

/** Runs the CLI in-process and throws what it throws (for asserting on error classes). */
export async function runCliRaw(
  argv: string[],
  options: CliOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const { io, output } = captureIO(options);
  await run(argv, io);
  return output();
}
