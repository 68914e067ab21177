import {
  TABLE_KINDS,
  resolveTableKind,
  type Billing,
  type TableKind,
} from '../../store/table-definitions.js';
import type { TableInfo } from '../../store/tables.js';
import { UserError } from '../../errors.js';
import { renderTable } from '../../ui/table.js';
import type { Context } from '../context.js';

/** What the `tables` verbs share: naming tables on the command line, billing flags, the listing. */

export function kindsFrom(ctx: Context, names: readonly string[]): TableKind[] {
  if (names.length === 0) return [...TABLE_KINDS];
  return names.map((name) => {
    const kind = resolveTableKind(ctx.config.prefix, name);
    if (!kind) {
      throw new UserError(`unknown table "${name}"`, {
        hint: `use one of ${TABLE_KINDS.join(', ')} (or a full name such as ${ctx.config.prefix}alerts)`,
      });
    }
    return kind;
  });
}

export function billingFrom(ctx: Context, opts: { rcu?: number; wcu?: number }): Billing {
  const mode = ctx.config.billingMode;
  if (mode === 'on-demand' && (opts.rcu !== undefined || opts.wcu !== undefined)) {
    throw new UserError('--rcu and --wcu apply only to provisioned tables', {
      hint: 'add --billing-mode provisioned, or drop --rcu/--wcu',
    });
  }
  return { mode, rcu: opts.rcu, wcu: opts.wcu };
}

export function renderInfos(
  infos: Array<Omit<TableInfo, 'itemCount'> & { itemCount?: number | null }>,
): string {
  return renderTable(
    ['table', 'status', 'items', 'billing', 'indexes'],
    infos.map((t) => [
      t.name,
      t.status,
      t.itemCount ?? (t.status === 'MISSING' ? '' : '—'),
      t.billingMode,
      (t.indexes ?? []).map((i) => i.name).join(', '),
    ]),
  );
}
