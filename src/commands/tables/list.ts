import { defineCommand } from '../define-command.js';
import { renderInfos } from './table-kinds.js';

export const listTablesCommand = defineCommand({
  name: 'list',
  description: 'show the four tables and their status (MISSING if not created)',
  examples: ['citystream tables list', 'citystream tables list --prefix dev- --json'],
  async handler(ctx) {
    const [client, tables] = await Promise.all([ctx.dynamo(), import('../../store/tables.js')]);
    const infos = await tables.listTables(client, ctx.config.prefix);
    ctx.out.result({ tables: infos }, () => renderInfos(infos));
  },
});
