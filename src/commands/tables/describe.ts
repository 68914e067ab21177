import { TABLE_KINDS, type TableKind } from '../../store/table-definitions.js';
import { UserError } from '../../errors.js';
import { renderPairs } from '../../ui/table.js';
import { defineCommand } from '../define-command.js';
import { kindsFrom } from './table-kinds.js';

export const describeTableCommand = defineCommand({
  name: 'describe',
  description: 'show one table: keys, indexes, status, item count',
  examples: ['citystream tables describe raw-events', 'citystream tables describe citystream-alerts --json'],
  arguments: [{ name: '<table>', description: `${TABLE_KINDS.join(' | ')}, or the full table name` }],
  async handler(ctx, _flags, args) {
    const [kind] = kindsFrom(ctx, [String(args[0])]) as [TableKind];
    const [client, tables] = await Promise.all([ctx.dynamo(), import('../../store/tables.js')]);
    const info = await tables.describeTable(client, ctx.config.prefix, kind);
    if (!info) {
      throw new UserError(`table ${ctx.config.prefix}${kind} does not exist`, {
        hint: 'create the tables with `citystream tables create`',
      });
    }
    ctx.out.result(info, () =>
      renderPairs([
        ['table', info.name],
        ['status', info.status],
        ['keys', info.keys?.join(', ')],
        ['billing', info.billingMode],
        ['items', info.itemCount],
        ['size (bytes)', info.sizeBytes],
        ['created', info.createdAt],
        ...(info.indexes ?? []).map((i): [string, string] => [
          `index ${i.name}`,
          `${i.keys.join(', ')} — ${i.status}`,
        ]),
      ]),
    );
  },
});
