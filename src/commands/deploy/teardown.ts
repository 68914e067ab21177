import { stackMode } from '../../deploy/stack-mode.js';
import { stacksDir } from '../../deploy/stack-record.js';
import type { Context } from '../context.js';
import { defineCommand } from '../define-command.js';
import { confirmDestructive } from '../confirm-prompt.js';
import type { AwsOverrides } from './aws.js';
import { deployIO, hostOptions, parseHostFlags, refuseFlags, type HostFlags } from './host-flags.js';

export interface TeardownCommandFlags extends HostFlags {
  keepData?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  allStacks?: boolean;
}

/**
 * `citystream teardown`: with --host, or a --host record of the stack and no AWS record, flags →
 * teardownHost (src/deploy/operate.ts); otherwise everything tagged for the stack on AWS, found by tag
 * (so also without a record).
 */
export async function runTeardown(
  ctx: Context,
  flags: TeardownCommandFlags,
  aws: AwsOverrides = {},
): Promise<void> {
  const given = parseHostFlags(flags, ctx.io.cwd);
  if (
    !given &&
    (flags.allStacks || (await stackMode(stacksDir(ctx.io.cwd, ctx.config.dataDir), flags.stack)) === 'aws')
  ) {
    const { teardownAws } = await import('./aws.js');
    return teardownAws(
      ctx,
      {
        stack: flags.stack,
        keepData: flags.keepData,
        dryRun: flags.dryRun,
        allStacks: flags.allStacks,
        yes: flags.yes,
      },
      aws,
    );
  }
  refuseFlags(flags, { allStacks: '--all-stacks' }, 'on AWS (without --host)');
  const { teardownHost, teardownInventory, teardownScriptFor } = await import('../../deploy/operate.js');
  const io = await deployIO(ctx);
  const selector = { stack: flags.stack, target: given };
  const { target, found } = await teardownInventory(selector, io);
  if (found.length === 0) {
    ctx.out.result(
      { stack: flags.stack, host: target.host, removed: [], nothing_to_remove: true },
      () => `nothing to remove on ${target.host}`,
    );
    return;
  }
  if (flags.dryRun) {
    ctx.out.text(
      `# citystream teardown --dry-run on ${target.user}@${target.host}: would remove\n${found.map((f) => `#   ${f}`).join('\n')}\n` +
        `# ${flags.keepData ? 'keeping' : 'including'} /var/lib/citystream; the script:\n${teardownScriptFor(Boolean(flags.keepData))}`,
    );
    return;
  }
  const ok = await confirmDestructive(
    ctx,
    `Remove citystream from ${target.host} (${found.join(', ')})?`,
    Boolean(flags.yes),
  );
  if (!ok) {
    ctx.out.info('nothing removed');
    return;
  }
  const result = await teardownHost(selector, Boolean(flags.keepData), io);
  ctx.out.result(
    {
      stack: result.stack,
      host: result.host,
      removed: result.removed,
      kept: result.kept,
      nothing_to_remove: result.nothingToRemove,
    },
    () =>
      result.nothingToRemove
        ? `nothing to remove on ${result.host}`
        : `${result.removed.map((r) => `removed ${r}`).join('\n')}${result.kept.length ? `\n${result.kept.map((k) => `kept ${k}`).join('\n')}` : ''}`,
  );
}

export const teardownCommand = defineCommand<TeardownCommandFlags>({
  name: 'teardown',
  description:
    'remove a deployed stack: on AWS everything tagged for it (found by tag, also without the local record); on a host (--host, or its record) units, releases, /etc/citystream; the data too unless --keep-data',
  examples: [
    'citystream teardown --stack demo --dry-run',
    'citystream teardown --stack demo --keep-data --yes',
    'citystream teardown --all-stacks --dry-run',
    'citystream teardown --host root@10.0.0.5 --keep-data --yes',
  ],
  options: [
    ...hostOptions(),
    {
      flags: '--keep-data',
      description:
        'keep the data: AWS: the four tables; --host: /var/lib/citystream (and the citystream user)',
    },
    {
      flags: '--all-stacks',
      description: 'AWS, with --dry-run: list every citystream stack in the region',
    },
    { flags: '--dry-run', description: 'print what would be removed; change nothing' },
    { flags: '-y, --yes', description: 'do not ask for confirmation' },
  ],
  handler: (ctx, flags) => runTeardown(ctx, flags),
});
