import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createContext } from '../../../../src/commands/context.js';
import type { CommandDefinition } from '../../../../src/commands/define-command.js';
import type { AwsOverrides } from '../../../../src/commands/deploy/aws.js';
import { deployCommand, runDeploy } from '../../../../src/commands/deploy/deploy.js';
import { runStatus, statusCommand } from '../../../../src/commands/deploy/status.js';
import { runTeardown, teardownCommand } from '../../../../src/commands/deploy/teardown.js';
import type { HostDeployer, HostTarget } from '../../../../src/deploy/aws/host-deployer.js';
import type { Timing } from '../../../../src/deploy/aws/timing.js';
import { captureIO } from '../../../support/cli.js';

/** Waits of a few milliseconds: the model moves on with every describe, not with time. */
export const FAST: Timing = { pollMs: 1, timeoutMs: 5000, retryDelaysMs: [1, 1, 1, 1, 1, 1] };

/** A stand-in for the --host deploy that records what it was handed. */
export function recordingHostDeployer(): HostDeployer & { deploys: HostTarget[]; statuses: HostTarget[] } {
  const deploys: HostTarget[] = [];
  const statuses: HostTarget[] = [];
  return {
    deploys,
    statuses,
    async deploy(target) {
      deploys.push(structuredClone(target));
      return { release: '20261201-000000', services: [{ name: 'citystream-api', state: 'active' }] };
    },
    async status(target) {
      statuses.push(structuredClone(target));
      return [
        { name: 'citystream-broker', state: 'active' },
        { name: 'citystream-processor', state: 'active' },
        { name: 'citystream-api', state: 'active' },
      ];
    },
    describe: (target) => [`ssh -i ${target.identityFile} ${target.user}@${target.host} citystream-release`],
  };
}

type Handler<F> = (
  ctx: Awaited<ReturnType<typeof createContext>>,
  flags: F,
  overrides: AwsOverrides,
) => Promise<void>;

/** The flags commander gives a command when none is passed: each option's default, `--no-x` true. */
function commanderDefaults(command: CommandDefinition): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const o of command.spec.options ?? []) {
    const long = /--([a-z-]+)/.exec(o.flags)![1]!;
    const key = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (long.startsWith('no-')) flags[key(long.slice(3))] = true;
    else if (o.default !== undefined) flags[key(long)] = o.default;
  }
  return flags;
}

/** A command's handler as the CLI calls it: the given flags over the declared defaults, no --host. */
function asCli<F>(command: CommandDefinition, run: Handler<F>): Handler<Partial<F>> {
  return (ctx, flags, overrides) => run(ctx, { ...commanderDefaults(command), ...flags } as F, overrides);
}

/** `citystream deploy`, `status` and `teardown` (without --host: the AWS path). */
export const deploy = asCli(deployCommand, runDeploy);
export const status = asCli(statusCommand, runStatus);
export const teardown = asCli(teardownCommand, runTeardown);

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'citystream-aws-'));
}

export interface Ran {
  stdout: string;
  stderr: string;
}

/**
 * Runs one handler the way the CLI would (a fresh Context from flags and environment), with the test's
 * overrides: the recording host deployer, fast timing, SSH that answers.
 */
export async function runHandler<F>(
  handler: Handler<F>,
  flags: F,
  options: {
    cwd: string;
    overrides: AwsOverrides;
    json?: boolean;
    region?: string;
    env?: Record<string, string>;
  },
): Promise<Ran> {
  const { io, output } = captureIO({ cwd: options.cwd, env: options.env ?? {} });
  const ctx = await createContext(
    io,
    { json: options.json ?? false },
    { region: options.region ?? 'us-east-2' },
  );
  try {
    await handler(ctx, flags, {
      sshReady: async () => true,
      timing: FAST,
      newToken: () => 'token-from-test-never-printed',
      ...options.overrides,
    });
  } finally {
    ctx.close();
  }
  return output();
}
