import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Context } from '../context.js';
import type { DeployIO } from '../../deploy/deploy.js';
import type { HostTarget } from '../../deploy/options.js';
import { stacksDir } from '../../deploy/stack-record.js';
import type { OptionSpec } from '../define-command.js';
import { intInRange } from '../option-parsers.js';

/** The flags every host command shares: where the host is and which stack. */
export interface HostFlags {
  host?: string;
  sshPort: number;
  identity?: string;
  stack: string;
}

/** The options every host command shares, as declarations. */
export function hostOptions(hostRequired = false): OptionSpec[] {
  return [
    {
      flags: '--host <user@address>',
      description: `the host to reach over SSH${hostRequired ? '' : " (default: the stack record's)"}`,
    },
    { flags: '--ssh-port <port>', description: 'SSH port', parse: intInRange(1, 65535), default: 22 },
    { flags: '--identity <file>', description: 'SSH private key file (ssh -i)' },
    {
      flags: '--stack <name>',
      description:
        'the stack: its records are .citystream/stacks/<name>.json (--host) and <name>.aws.json (AWS)',
      default: 'default',
    },
  ];
}

/** Refuses flags that belong to the other mode: `names` maps each flag's key to its flag text. */
export function refuseFlags(flags: object, names: Record<string, string>, mode: string): void {
  const given = Object.entries(names)
    .filter(([key]) => (flags as Record<string, unknown>)[key] !== undefined)
    .map(([, flag]) => flag);
  if (given.length > 0)
    throw new UserError(`${given.join(', ')}: only ${mode}`, {
      hint: 'deploy, status and teardown work on AWS without --host, on a host of yours with --host',
    });
}

/** USER@ADDRESS (user defaults to root) → a target; undefined without --host. */
export function parseHostFlags(flags: HostFlags, cwd: string): HostTarget | undefined {
  if (flags.host === undefined) return undefined;
  const at = flags.host.lastIndexOf('@');
  const user = at === -1 ? 'root' : flags.host.slice(0, at);
  const host = at === -1 ? flags.host : flags.host.slice(at + 1);
  if (!/^[a-z_][a-z0-9_.-]*$/i.test(user) || !/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(host))
    throw new UserError(`--host: expected USER@ADDRESS such as ubuntu@203.0.113.10, got "${flags.host}"`);
  return {
    host,
    user,
    port: flags.sshPort,
    identityFile: flags.identity === undefined ? undefined : path.resolve(cwd, flags.identity),
  };
}

export async function deployIO(ctx: Context): Promise<DeployIO> {
  const { startProgress } = await import('../../ui/spinner.js');
  return {
    stacksDir: stacksDir(ctx.io.cwd, ctx.config.dataDir),
    info: (line) => ctx.out.info(line),
    print: (text) => ctx.out.text(text),
    progress: ctx.out.interactive ? (text) => startProgress(ctx.out, text) : undefined,
    signal: ctx.signal,
    debug: ctx.debug ? (line) => ctx.out.info(`ssh: ${line}`) : undefined,
  };
}

/** A dotenv-style file (NAME=value per line, # comments) of runtime secrets. */
export async function readSecretsFile(file: string, cwd: string): Promise<Record<string, string>> {
  const text = await readFile(path.resolve(cwd, file), 'utf8').catch((err: unknown) => {
    throw new UserError(`cannot read --secrets ${file}`, { cause: err });
  });
  const secrets: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UserError(`--secrets ${file}:${i + 1}: expected NAME=value`);
    secrets[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return secrets;
}
