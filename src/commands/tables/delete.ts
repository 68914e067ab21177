import { UserError } from '../../errors.js';
import { withProgress } from '../../ui/spinner.js';
import { renderTable } from '../../ui/table.js';
import { confirmDestructive } from '../confirm-prompt.js';
import { defineCommand } from '../define-command.js';
import { kindsFrom } from './table-kinds.js';

interface DeleteFlags {
  yes?: boolean;
  dryRun?: boolean;
}

export const deleteTablesCommand = defineCommand<DeleteFlags>({
  name: 'delete',
  description: 'delete tables and all their data (asks first; --yes to skip the question)',
  examples: [
    'citystream tables delete --dry-run',
    'citystream tables delete alerts --yes',
    'citystream tables delete --target aws --region eu-west-1 --yes --json',
  ],
  arguments: [{ name: '[tables...]', description: 'tables to delete (default: all four)' }],
  options: [
    { flags: '-y, --yes', description: 'do not ask for confirmation' },
    { flags: '--dry-run', description: 'show which tables would be deleted, delete nothing' },
  ],
  async handler(ctx, flags, args) {
    const kinds = kindsFrom(ctx, (args[0] as string[] | undefined) ?? []);
    const [client, tables] = await Promise.all([ctx.dynamo(), import('../../store/tables.js')]);
    const existing = (await tables.listTables(client, ctx.config.prefix)).filter((t) =>
      kinds.includes(t.kind),
    );
    const present = existing.filter((t) => t.status !== 'MISSING');
    if (flags.dryRun) {
      const plan = existing.map((t) => ({
        name: t.name,
        action: t.status === 'MISSING' ? 'missing' : 'delete',
        items: t.itemCount ?? null,
      }));
      ctx.out.result({ dry_run: true, plan }, () =>
        renderTable(
          ['table', 'would', 'items'],
          plan.map((p) => [p.name, p.action, p.items]),
        ),
      );
      return;
    }
    if (present.length > 0) {
      const names = present.map((t) => t.name).join(', ');
      const ok = await confirmDestructive(ctx, `Delete ${names} and all their data?`, Boolean(flags.yes));
      if (!ok) throw new UserError('nothing deleted', { hint: 'answer y to delete, or pass --yes' });
    }
    const result = await withProgress(
      ctx.out,
      `Deleting ${present.length} table(s)`,
      () => tables.deleteTables(client, { prefix: ctx.config.prefix, kinds, signal: ctx.signal }),
      (r) => `Deleted ${r.filter((t) => t.action === 'deleted').length} table(s)`,
    );
    ctx.out.result({ tables: result }, () =>
      renderTable(
        ['table', 'action'],
        result.map((t) => [t.name, t.action]),
      ),
    );
  },
});
