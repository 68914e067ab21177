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
  helpAfter:
    "\nItem count: on the aws target, DynamoDB's own ItemCount (it refreshes it about every six hours);\n" +
    'on the local target, counted with Select COUNT pages (up to 50 MB read), since the embedded\n' +
    'DynamoDB (dynalite) does not maintain ItemCount. `itemCountSource` in --json says which.\n',
  async handler(ctx, _flags, args) {
    const [kind] = kindsFrom(ctx, [String(args[0])]) as [TableKind];
    const [client, tables] = await Promise.all([ctx.dynamo(), import('../../store/tables.js')]);
    const described = await tables.describeTable(client, ctx.config.prefix, kind);
    if (!described) {
      throw new UserError(`table ${ctx.config.prefix}${kind} does not exist`, {
        hint: 'create the tables with `citystream tables create`',
      });
    }
    let info = { ...described, itemCountSource: 'DynamoDB ItemCount, refreshed about every six hours' };
    let items = `${described.itemCount ?? 'unknown'} (approximate: DynamoDB refreshes it about every six hours)`;
    if (ctx.config.target === 'local') {
      const counted = await tables.countItems(client, described.name);
      info = {
        ...info,
        itemCount: counted.count,
        itemCountSource: counted.complete ? 'counted' : 'counted, incomplete (first 50 pages)',
      };
      items = counted.complete
        ? `${counted.count} (counted)`
        : `more than ${counted.count} (counted the first 50 pages)`;
    }
    ctx.out.result(info, () =>
      renderPairs([
        ['table', info.name],
        ['status', info.status],
        ['keys', info.keys?.join(', ')],
        ['billing', info.billingMode],
        ['items', items],
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
