import { Command, CommanderError, Option } from 'commander';
import type { CommandModule } from './commands/command.js';
import { brokerCommand } from './commands/broker.js';
import { configCommand } from './commands/config.js';
import { lagCommand } from './commands/lag.js';
import { processCommand } from './commands/process.js';
import { produceCommand } from './commands/produce.js';
import { queryCommand } from './commands/query.js';
import { serveCommand } from './commands/serve.js';
import { tablesCommand } from './commands/tables.js';
import { upCommand } from './commands/up.js';
import { dynamodbCommand } from './commands/dynamodb.js';
import { deployCommand } from './commands/deploy/deploy.js';
import { logsCommand } from './commands/deploy/logs.js';
import { statusCommand } from './commands/deploy/status.js';
import { teardownCommand } from './commands/deploy/teardown.js';
import { createContext, type CliIO } from './commands/context.js';
import { ExitCode, formatError, UserError } from './errors.js';

/** Every command citystream has, in the order --help lists them. The one place commands are registered. */
const commands: CommandModule[] = [
  upCommand,
  configCommand,
  brokerCommand,
  dynamodbCommand,
  tablesCommand,
  queryCommand,
  serveCommand,
  produceCommand,
  processCommand,
  lagCommand,
  deployCommand,
  statusCommand,
  logsCommand,
  teardownCommand,
];

export function buildProgram(io: CliIO): Command {
  const program = new Command('citystream')
    .description('Run, query and operate the citystream real-time city-event pipeline, locally or on AWS.')
    .version(VERSION, '-V, --version')
    .option('--json', 'print results as JSON (NDJSON for streams); no spinners or colour')
    .option('--debug', 'print stack traces and debug logs')
    .option('--config <file>', 'config file (default: ./citystream.config.json if present)')
    .addOption(new Option('--target <target>', 'local (embedded engines) or aws').choices(['local', 'aws']))
    .option('--region <region>', 'AWS region')
    .option('--profile <profile>', 'AWS profile')
    .option('--endpoint <url>', 'DynamoDB endpoint URL')
    .option('--prefix <prefix>', 'table name prefix')
    .option('--brokers <list>', 'Kafka bootstrap brokers, comma-separated host:port')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  const services = {
    io,
    context: (cmd: Command, settings?: Record<string, unknown>) => createContext(io, cmd, settings),
  };
  for (const command of commands) command.register(program, services);
  applyRecursively(program, (cmd) => {
    cmd.exitOverride();
    cmd.configureOutput(program.configureOutput());
  });
  return program;
}

/** Runs the CLI; throws on any failure (tests call this). */
export async function run(argv: string[], io: CliIO): Promise<void> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return; // --help, --version
      // commander has already printed its one-line message on stderr.
      throw new CommanderUsageError(err.message);
    }
    throw err;
  }
}

/** Runs the CLI and turns any failure into a message on stderr and an exit code (bin calls this). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await run(argv, io);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderUsageError) return ExitCode.user;
    io.stderr.write(`${formatError(err, debug)}\n`);
    if (err instanceof UserError) return err.exitCode;
    return (err as { exitCode?: number }).exitCode ?? ExitCode.internal;
  }
}

class CommanderUsageError extends UserError {}

function applyRecursively(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyRecursively(sub, fn);
}

const VERSION = '0.1.0';
