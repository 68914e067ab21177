import type { Command } from 'commander';
import type { Readable } from 'node:stream';
import { loadConfigFile } from '../config/config-file.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve-config.js';
import type { Config } from '../config/settings.js';
import { Output, type OutputStreams } from '../ui/output.js';

/** What the process gives the CLI: streams, environment, working directory, and a stop signal. */
export interface CliIO extends OutputStreams {
  /** Where confirmations are read from; without one (or without a terminal) destructive commands need --yes. */
  stdin?: Readable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (by bin/citystream.js) or by a test; long-running commands stop on it. */
  signal: AbortSignal;
}

/** Everything a command handler needs; handlers never read process.env or build SDK clients themselves. */
export interface Context {
  config: Config;
  resolved: ResolvedConfig;
  out: Output;
  io: CliIO;
  debug: boolean;
  signal: AbortSignal;
}

/** Global flags that are also settings; command-specific settings are passed by each command. */
const GLOBAL_SETTING_FLAGS = ['target', 'region', 'profile', 'endpoint', 'prefix', 'brokers'] as const;

export async function createContext(
  io: CliIO,
  cmd: Command,
  flags: Record<string, unknown> = {},
): Promise<Context> {
  const globals = cmd.optsWithGlobals<Record<string, unknown>>();
  const settingFlags: Record<string, unknown> = {};
  for (const key of GLOBAL_SETTING_FLAGS) settingFlags[key] = globals[key];
  Object.assign(settingFlags, flags);
  const file = await loadConfigFile(io.cwd, globals.config as string | undefined);
  const resolved = resolveConfig({ flags: settingFlags, env: io.env, file });
  const out = new Output(io, { json: Boolean(globals.json), env: io.env });
  return { config: resolved.values, resolved, out, io, debug: Boolean(globals.debug), signal: io.signal };
}
