import { defineCommand } from '../define-command.js';
import { renderInfos } from './table-kinds.js';

export const listTablesCommand = defineCommand({
  name: 'list',
  description: 'show the four tables and their status (MISSING if not created)',
  examples: ['citystream tables list', 'citystream tables list --prefix dev- --json'],
  helpAfter:
    "\nItems: on the aws target, DynamoDB's own ItemCount (refreshed about every six hours); on the local\n" +
    'target "—", since the embedded DynamoDB keeps no count: `tables describe <table>` counts one table.\n',
  async handler(ctx) {
    const [client, tables] = await Promise.all([ctx.dynamo(), import('../../store/tables.js')]);
    const listed = await tables.listTables(client, ctx.config.prefix);
    // The embedded DynamoDB keeps no ItemCount (it reports 0 for a full table); counting every table
    // would read them all, so the list says it does not know, and `tables describe` counts one.
    const infos =
      ctx.config.target === 'local'
        ? listed.map((t) => ({
            ...t,
            itemCount: null,
            itemCountSource: 'not kept locally: tables describe counts',
          }))
        : listed.map((t) => ({
            ...t,
            itemCountSource: 'DynamoDB ItemCount, refreshed about every six hours',
          }));
    ctx.out.result({ tables: infos }, () => renderInfos(infos));
  },
});
