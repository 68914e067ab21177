import { withProgress } from '../../ui/spinner.js';
import { renderTable } from '../../ui/table.js';
import { defineCommand } from '../define-command.js';
import { intInRange } from '../option-parsers.js';
import { billingFrom } from './table-kinds.js';

interface CreateFlags {
  rcu?: number;
  wcu?: number;
  dryRun?: boolean;
}

export const createTablesCommand = defineCommand<CreateFlags>({
  name: 'create',
  description: 'create the four tables (idempotent), wait until ACTIVE, enable TTL',
  examples: [
    'citystream tables create',
    'citystream tables create --target aws --region eu-west-1 --billing-mode provisioned --rcu 10 --wcu 10',
    'citystream tables create --dry-run --json',
  ],
  settings: ['billingMode'],
  options: [
    {
      flags: '--rcu <units>',
      description: 'read capacity per table and index (provisioned)',
      parse: intInRange(1, 40_000),
    },
    {
      flags: '--wcu <units>',
      description: 'write capacity per table and index (provisioned)',
      parse: intInRange(1, 40_000),
    },
    { flags: '--dry-run', description: 'show which tables would be created, create nothing' },
  ],
  async handler(ctx, flags) {
    const billing = billingFrom(ctx, flags);
    const [client, tables] = await Promise.all([ctx.dynamo(), import('../../store/tables.js')]);
    if (flags.dryRun) {
      const existing = await tables.listTables(client, ctx.config.prefix);
      const plan = existing.map((t) => ({
        name: t.name,
        action: t.status === 'MISSING' ? 'create' : 'exists',
        billing: billing.mode,
      }));
      ctx.out.result({ dry_run: true, plan }, () =>
        renderTable(
          ['table', 'would', 'billing'],
          plan.map((p) => [p.name, p.action, p.billing]),
        ),
      );
      return;
    }
    const result = await withProgress(
      ctx.out,
      `Creating tables ${ctx.config.prefix}* (${billing.mode})`,
      (progress) =>
        tables.createTables(client, {
          prefix: ctx.config.prefix,
          billing,
          signal: ctx.signal,
          onProgress: (m) => progress.update(m),
        }),
      (r) => `Tables ready (${r.tables.filter((t) => t.action === 'created').length} created)`,
    );
    for (const note of result.notes) ctx.out.info(`note: ${note}`);
    ctx.out.result(result, () =>
      renderTable(
        ['table', 'action'],
        result.tables.map((t) => [t.name, t.action]),
      ),
    );
  },
});
