import type { SettingKey } from '../config/settings.js';
import type { Context } from './context.js';

/**
 * A command is a value: what it is called, what it takes, and one handler. `commands/index.ts` lists them
 * all and `cli.ts` turns the list into commander commands, so no command builds commander objects itself.
 * Flags that are settings name the setting; their flag text, help, default, range and CITYSTREAM_*
 * variable come from `config/settings.ts`, so nothing restates a default by hand.
 */

/** A setting offered as a flag of this command; `flag` renames it (`--port` for apiPort in `serve`). */
export interface SettingFlag {
  key: SettingKey;
  /** Commander flag syntax, e.g. `--port <port>`; default `--<kebab-key> <value>`. */
  flag?: string;
  /** Replaces the setting's own description in this command's help. */
  description?: string;
}

/** A flag that belongs to the command alone (not a setting). */
export interface OptionSpec {
  /** Commander flag syntax: `--rate <n>`, `-y, --yes`, `--no-producer`. */
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  choices?: readonly string[];
  default?: unknown;
  /** How the default reads in --help, when its value does not say it well (`20m` for 1 200 000 ms). */
  defaultLabel?: string;
  hidden?: boolean;
}

export interface ArgumentSpec {
  /** `<city>`, `[tables...]`. */
  name: string;
  description: string;
  parse?: (value: string) => unknown;
}

export interface CommandSpec<Flags> {
  name: string;
  description: string;
  examples: readonly string[];
  arguments?: readonly ArgumentSpec[];
  settings?: readonly (SettingKey | SettingFlag)[];
  options?: readonly OptionSpec[];
  /** More help after the examples. */
  helpAfter?: string;
  /** Runs the command. Heavy modules (SDKs, kafkajs, fastify, the broker) are imported inside, lazily. */
  handler(ctx: Context, flags: Flags, args: readonly unknown[]): Promise<void>;
}

export interface CommandDefinition {
  kind: 'command';
  spec: CommandSpec<never>;
}

/** A group of subcommands (`tables create|list|…`): a folder with one file per verb. */
export interface GroupDefinition {
  kind: 'group';
  name: string;
  description: string;
  examples: readonly string[];
  /** Verbs, or groups of verbs (`query clickstream funnel`). */
  commands: readonly CommandEntry[];
}

export type CommandEntry = CommandDefinition | GroupDefinition;

export function defineCommand<Flags = Record<string, never>>(spec: CommandSpec<Flags>): CommandDefinition {
  return { kind: 'command', spec: spec as unknown as CommandSpec<never> };
}

export function defineGroup(group: Omit<GroupDefinition, 'kind'>): GroupDefinition {
  return { kind: 'group', ...group };
}
