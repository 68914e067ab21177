import { defineGroup } from '../define-command.js';
import { createTablesCommand } from './create.js';
import { deleteTablesCommand } from './delete.js';
import { describeTableCommand } from './describe.js';
import { listTablesCommand } from './list.js';

export const tablesGroup = defineGroup({
  name: 'tables',
  description: 'create, list, describe and delete the DynamoDB tables',
  examples: ['citystream tables create', 'citystream tables list', 'citystream tables delete --yes'],
  commands: [createTablesCommand, listTablesCommand, describeTableCommand, deleteTablesCommand],
});
