import { defineGroup } from '../define-command.js';
import { dbMigrateCommand } from './migrate.js';

export const dbGroup = defineGroup({
  name: 'db',
  description: 'the clickstream PostgreSQL database: migrate',
  examples: [
    'citystream db migrate',
    'citystream db migrate --pg-url postgres://citystream@127.0.0.1:5432/citystream',
  ],
  commands: [dbMigrateCommand],
});
