import { Argument, Command, Option } from 'commander';
import { kebab } from '../config/resolve-config.js';
import { envName, settings, type SettingDefinition, type SettingKey } from '../config/settings.js';
import type { CommandEntry, CommandSpec, OptionSpec, SettingFlag } from './define-command.js';
import { createContext, type CliIO, type GlobalFlags } from './context.js';
import { formatDuration } from '../config/duration.js';
import { durationInRange } from './duration-option.js';
import { intInRange, numberInRange } from './option-parsers.js';

/** Turns command declarations into commander commands; the only place commander objects are built. */

const settingByKey = new Map<string, SettingDefinition>(settings.map((s) => [s.key, s]));

export function toCommander(entry: CommandEntry, io: CliIO): Command {
  if (entry.kind === 'group') {
    const group = new Command(entry.name).description(entry.description);
    for (const command of entry.commands) group.addCommand(toCommander(command, io));
    return withExamples(group, entry.examples);
  }
  return leafCommand(entry.spec, io);
}

/** The program's own flags that are settings (--target, --region, …), declared like a command's. */
export function addSettingFlags(
  cmd: Command,
  keys: readonly (SettingKey | SettingFlag)[],
): Map<string, string> {
  const attributeToKey = new Map<string, string>();
  for (const entry of keys) {
    const flag = typeof entry === 'string' ? { key: entry } : entry;
    const option = settingOption(flag);
    attributeToKey.set(option.attributeName(), flag.key);
    cmd.addOption(option);
  }
  return attributeToKey;
}

function leafCommand(spec: CommandSpec<never>, io: CliIO): Command {
  const cmd = new Command(spec.name).description(spec.description);
  for (const arg of spec.arguments ?? []) {
    const argument = new Argument(arg.name, arg.description);
    if (arg.parse) argument.argParser(arg.parse);
    cmd.addArgument(argument);
  }
  const settingAttributes = addSettingFlags(cmd, spec.settings ?? []);
  for (const option of spec.options ?? []) cmd.addOption(commandOption(option));
  cmd.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Command;
    const args = params.slice(0, -2);
    const all = self.optsWithGlobals<Record<string, unknown>>();
    const own = self.opts<Record<string, unknown>>();
    const settingFlags: Record<string, unknown> = {};
    for (const [attribute, key] of globalSettingAttributes(self)) settingFlags[key] = all[attribute];
    const flags: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(own)) {
      const key = settingAttributes.get(name);
      if (key) settingFlags[key] = value;
      else flags[name] = value;
    }
    const ctx = await createContext(io, all as GlobalFlags, settingFlags);
    try {
      await spec.handler(ctx, flags as never, args);
    } finally {
      ctx.close();
    }
  });
  withExamples(cmd, spec.examples);
  if (spec.helpAfter) cmd.addHelpText('after', spec.helpAfter);
  return cmd;
}

/** Setting flags declared on the program (recorded by cli.ts), found from any subcommand. */
const programSettingAttributes = new WeakMap<Command, Map<string, string>>();

export function recordProgramSettings(program: Command, attributes: Map<string, string>): void {
  programSettingAttributes.set(program, attributes);
}

function globalSettingAttributes(cmd: Command): Map<string, string> {
  let root = cmd;
  while (root.parent) root = root.parent;
  return programSettingAttributes.get(root) ?? new Map();
}

function settingOption(flag: SettingFlag): Option {
  const def = settingByKey.get(flag.key);
  if (!def) throw new Error(`unknown setting ${flag.key}`);
  const syntax = flag.flag ?? `--${kebab(def.key)} ${placeholder(def)}`;
  const option = new Option(syntax, `${flag.description ?? def.description}${settingHelp(def)}`);
  if (def.type === 'enum' && def.choices) option.choices(def.choices);
  const parse = settingParser(def);
  if (parse) option.argParser(parse);
  return option;
}

/** " (0-65535; default 8082; env CITYSTREAM_API_PORT)": the schema's facts, in every help that offers it. */
export function settingHelp(def: SettingDefinition): string {
  const facts: string[] = [];
  const show = (v: unknown) => (def.type === 'duration' ? formatDuration(Number(v)) : String(v));
  if (def.min !== undefined && def.max !== undefined) facts.push(`${show(def.min)}-${show(def.max)}`);
  if (def.choices && def.type === 'list') facts.push(`any of ${def.choices.join(',')}`);
  else if (def.choices) facts.push(def.choices.join(' | '));
  if (def.default !== undefined)
    facts.push(`default ${Array.isArray(def.default) ? def.default.join(',') : show(def.default)}`);
  facts.push(`env ${envName(def.key)}`);
  return ` (${facts.join('; ')})`;
}

function placeholder(def: SettingDefinition): string {
  if (def.type === 'int' || def.type === 'number') return '<n>';
  if (def.type === 'list') return '<list>';
  if (def.type === 'url') return '<url>';
  if (def.type === 'duration') return '<duration>';
  return '<value>';
}

/** Numbers fail at parse time with the range in the message; enums by commander's choices; lists and URLs in resolveConfig. */
function settingParser(def: SettingDefinition): ((value: string) => unknown) | undefined {
  const min = def.min ?? -Number.MAX_SAFE_INTEGER;
  const max = def.max ?? Number.MAX_SAFE_INTEGER;
  if (def.type === 'int') return intInRange(min, max);
  if (def.type === 'number') return numberInRange(min, max);
  if (def.type === 'duration') return durationInRange(def.min ?? 0, def.max ?? Number.MAX_SAFE_INTEGER);
  return undefined;
}

function commandOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse);
  if (spec.default !== undefined) option.default(spec.default, spec.defaultLabel);
  if (spec.hidden) option.hideHelp();
  return option;
}

/** Adds an Examples section to a command's --help. */
export function withExamples(cmd: Command, examples: readonly string[]): Command {
  const lines = examples.map((e) => `  $ ${e}`).join('\n');
  return cmd.addHelpText('after', `\nExamples:\n${lines}\n`);
}
