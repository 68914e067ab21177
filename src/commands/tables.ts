import { Command, Option } from 'commander';
import type { Context } from './context.js';
import { TABLE_KINDS, resolveTableKind, type Billing, type TableKind } from '../store/table-definitions.js';
import type { TableInfo } from '../store/tables.js';
import { UserError } from '../errors.js';
import { withProgress } from '../ui/spinner.js';
import { renderPairs, renderTable } from '../ui/table.js';
import { type CommandModule, type CommandServices, withExamples } from './command.js';
import { confirmDestructive } from './confirm-prompt.js';
import { intInRange } from './option-parsers.js';

/**
 * Runs `task` with a client for the configured endpoint, and always releases its sockets. The SDK and the
 * table code are loaded when a subcommand runs, so `citystream --help` stays fast.
 */
async function withClient<T>(
  ctx: Context,
  task: (
    client: import('@aws-sdk/client-dynamodb').DynamoDBClient,
    tables: typeof import('../store/tables.js'),
  ) => Promise<T>,
): Promise<T> {
  const [{ withDynamoClient }, tables] = await Promise.all([
    import('../clients/dynamodb.js'),
    import('../store/tables.js'),
  ]);
  return withDynamoClient(ctx.config, (client) => task(client, tables));
}

function kindsFrom(ctx: Context, names: string[]): TableKind[] {
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

function billingFrom(ctx: Context, opts: { rcu?: number; wcu?: number }): Billing {
  const mode = ctx.config.billingMode;
  if (mode === 'on-demand' && (opts.rcu !== undefined || opts.wcu !== undefined)) {
    throw new UserError('--rcu and --wcu apply only to provisioned tables', {
      hint: 'add --billing-mode provisioned, or drop --rcu/--wcu',
    });
  }
  return { mode, rcu: opts.rcu, wcu: opts.wcu };
}

function renderInfos(infos: TableInfo[]): string {
  return renderTable(
    ['table', 'status', 'items', 'billing', 'indexes'],
    infos.map((t) => [
      t.name,
      t.status,
      t.itemCount,
      t.billingMode,
      (t.indexes ?? []).map((i) => i.name).join(', '),
    ]),
  );
}

function createCommand(services: CommandServices): Command {
  const cmd = new Command('create')
    .description('create the four tables (idempotent), wait until ACTIVE, enable TTL')
    .addOption(
      new Option('--billing-mode <mode>', 'on-demand or provisioned').choices(['on-demand', 'provisioned']),
    )
    .option('--rcu <units>', 'read capacity per table and index (provisioned)', intInRange(1, 40_000))
    .option('--wcu <units>', 'write capacity per table and index (provisioned)', intInRange(1, 40_000))
    .option('--dry-run', 'show which tables would be created, create nothing')
    .action(
      async (opts: { billingMode?: string; rcu?: number; wcu?: number; dryRun?: boolean }, self: Command) => {
        const ctx = await services.context(self, { billingMode: opts.billingMode });
        const billing = billingFrom(ctx, opts);
        await withClient(ctx, async (client, tables) => {
          if (opts.dryRun) {
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
        });
      },
    );
  return withExamples(cmd, [
    'citystream tables create',
    'citystream tables create --target aws --region eu-west-1 --billing-mode provisioned --rcu 10 --wcu 10',
    'citystream tables create --dry-run --json',
  ]);
}

function listCommand(services: CommandServices): Command {
  const cmd = new Command('list')
    .description('show the four tables and their status (MISSING if not created)')
    .action(async (_opts, self: Command) => {
      const ctx = await services.context(self);
      const infos = await withClient(ctx, (client, tables) => tables.listTables(client, ctx.config.prefix));
      ctx.out.result({ tables: infos }, () => renderInfos(infos));
    });
  return withExamples(cmd, ['citystream tables list', 'citystream tables list --prefix dev- --json']);
}

function describeCommand(services: CommandServices): Command {
  const cmd = new Command('describe')
    .description('show one table: keys, indexes, status, item count')
    .argument('<table>', `${TABLE_KINDS.join(' | ')}, or the full table name`)
    .action(async (name: string, _opts, self: Command) => {
      const ctx = await services.context(self);
      const [kind] = kindsFrom(ctx, [name]) as [TableKind];
      const info = await withClient(ctx, (client, tables) =>
        tables.describeTable(client, ctx.config.prefix, kind),
      );
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
    });
  return withExamples(cmd, [
    'citystream tables describe raw-events',
    'citystream tables describe citystream-alerts --json',
  ]);
}

function deleteCommand(services: CommandServices): Command {
  const cmd = new Command('delete')
    .description('delete tables and all their data (asks first; --yes to skip the question)')
    .argument('[tables...]', 'tables to delete (default: all four)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'show which tables would be deleted, delete nothing')
    .action(async (names: string[], opts: { yes?: boolean; dryRun?: boolean }, self: Command) => {
      const ctx = await services.context(self);
      const kinds = kindsFrom(ctx, names);
      await withClient(ctx, async (client, tables) => {
        const existing = (await tables.listTables(client, ctx.config.prefix)).filter((t) =>
          kinds.includes(t.kind),
        );
        const present = existing.filter((t) => t.status !== 'MISSING');
        if (opts.dryRun) {
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
          const ok = await confirmDestructive(ctx, `Delete ${names} and all their data?`, Boolean(opts.yes));
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
      });
    });
  return withExamples(cmd, [
    'citystream tables delete --dry-run',
    'citystream tables delete alerts --yes',
    'citystream tables delete --target aws --region eu-west-1 --yes --json',
  ]);
}

export const tablesCommand: CommandModule = {
  name: 'tables',
  register(program, services) {
    const cmd = new Command('tables')
      .description('create, list, describe and delete the DynamoDB tables')
      .addCommand(createCommand(services))
      .addCommand(listCommand(services))
      .addCommand(describeCommand(services))
      .addCommand(deleteCommand(services));
    withExamples(cmd, [
      'citystream tables create',
      'citystream tables list',
      'citystream tables delete --yes',
    ]);
    program.addCommand(cmd);
  },
};
