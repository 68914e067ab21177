import { defineCommand } from '../define-command.js';
import { confirmDestructive } from '../confirm-prompt.js';
import { deployIO, hostOptions, parseHostFlags, type HostFlags } from './host-flags.js';

interface TeardownFlags extends HostFlags {
  keepData?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

/** `citystream teardown`: flags → teardownHost (src/deploy/operate.ts). */
export const teardownCommand = defineCommand<TeardownFlags>({
  name: 'teardown',
  description:
    'stop and remove a deployed stack: units, releases, /etc/citystream (and the data unless --keep-data)',
  examples: [
    'citystream teardown --yes',
    'citystream teardown --host root@10.0.0.5 --keep-data --yes',
    'citystream teardown --dry-run',
  ],
  options: [
    ...hostOptions(),
    {
      flags: '--keep-data',
      description: 'keep the data directory /var/lib/citystream (and the citystream user)',
    },
    { flags: '--dry-run', description: 'print what would be removed and the script; change nothing' },
    { flags: '--yes', description: 'do not ask for confirmation' },
  ],
  async handler(ctx, flags) {
    const { teardownHost, teardownInventory, teardownScriptFor } = await import('../../deploy/operate.js');
    const io = await deployIO(ctx);
    const selector = { stack: flags.stack, target: parseHostFlags(flags, ctx.io.cwd) };
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
  },
});
