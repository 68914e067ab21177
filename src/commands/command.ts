import type { Command } from 'commander';
import type { CliIO, Context } from './context.js';

/** A command module: declares its options on the program and wires a handler that gets a Context. */
export interface CommandModule {
  name: string;
  register(program: Command, services: CommandServices): void;
}

export interface CommandServices {
  io: CliIO;
  /** Builds the Context for a command; `settings` are the command's flags that are also settings. */
  context(cmd: Command, settings?: Record<string, unknown>): Promise<Context>;
}

/** Adds an Examples section to a command's --help. */
export function withExamples(cmd: Command, examples: string[]): Command {
  const lines = examples.map((e) => `  $ ${e}`).join('\n');
  return cmd.addHelpText('after', `\nExamples:\n${lines}\n`);
}
