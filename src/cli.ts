import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import type { CliIO } from './commands/context.js';
import { addSettingFlags, recordProgramSettings, toCommander } from './commands/to-commander.js';
import { ExitCode, isExpectedError, UserError } from './errors.js';
import { errorDocument, formatError } from './ui/error-format.js';

export interface ProgramOptions {
  /** --json: commander's own messages are left to {@link main}, which prints one JSON error document. */
  json?: boolean;
}

export function buildProgram(io: CliIO, options: ProgramOptions = {}): Command {
  const program = new Command('citystream')
    .description('Run, query and operate the citystream real-time city-event pipeline, locally or on AWS.')
    .version(VERSION, '-V, --version')
    .option('--json', 'print results as JSON (NDJSON for streams); no spinners or colour')
    .option('--debug', 'print stack traces and debug logs')
    .option('--config <file>', 'config file (default: ./citystream.config.json if present)')
    .showHelpAfterError(options.json ? false : '(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // One prefix for every error, commander's ("error: unknown option …") and ours ("Error: …").
      outputError: (s, write) => {
        if (!options.json) write(s.replace(/^error: /, 'Error: '));
      },
    });
  const globals = addSettingFlags(program, ['target', 'region', 'profile', 'endpoint', 'prefix', 'brokers']);
  recordProgramSettings(program, globals);
  for (const command of commands) program.addCommand(toCommander(command, io));
  applyRecursively(program, (cmd) => {
    cmd.exitOverride();
    cmd.configureOutput(program.configureOutput());
  });
  return program;
}

/** Runs the CLI; throws on any failure (tests call this). */
export async function run(argv: string[], io: CliIO): Promise<void> {
  const program = buildProgram(io, { json: wantsJson(argv) });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return; // --help, --version
      // commander has already printed its one-line message on stderr (not under --json).
      throw new CommanderUsageError(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
}

/** Runs the CLI and turns any failure into a message on stderr and an exit code (bin calls this). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  const json = wantsJson(argv);
  try {
    await run(argv, io);
    return ExitCode.ok;
  } catch (err) {
    if (json) io.stderr.write(`${JSON.stringify(errorDocument(err, debug))}\n`);
    else if (!(err instanceof CommanderUsageError)) io.stderr.write(`${formatError(err, debug)}\n`);
    return isExpectedError(err) ? err.exitCode : ExitCode.internal;
  }
}

class CommanderUsageError extends UserError {
  constructor(message: string) {
    super(message, { hint: 'run with --help for usage' });
  }
}

/** --json anywhere before a `--` separator (commander accepts global flags after the subcommand too). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

function applyRecursively(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyRecursively(sub, fn);
}

const VERSION = '0.1.0';
