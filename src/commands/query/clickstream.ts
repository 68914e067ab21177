import { InvalidArgumentError } from 'commander';
import { CLICK_LIMITS, USER_PATTERN } from '../../queries/clickstream/click-parameters.js';
import type { Context } from '../context.js';
import { defineCommand, defineGroup, type CommandDefinition, type CommandSpec } from '../define-command.js';
import { wholeNumberOption } from '../option-parsers.js';
import { instant, limitOption } from './read.js';
import { renderFunnel, renderPages, renderSessions } from './clickstream-render.js';

/** `citystream query clickstream funnel|pages|sessions`: the clickstream's documents, from PostgreSQL. */
type ClickReads = typeof import('../../queries/clickstream/click-queries.js');
type ClickRead = { postgres: import('pg').Pool };

/** A verb that reads one document from PostgreSQL (`--pg-url`/`--pg-secret`) and prints it. */
function clickQuery<Flags, D>(
  spec: Omit<CommandSpec<Flags>, 'settings' | 'handler'> & {
    ask: (reads: ClickReads, read: ClickRead, flags: Flags) => Promise<D>;
    render: (doc: D) => string;
  },
): CommandDefinition {
  const { ask, render, ...command } = spec;
  return defineCommand<Flags>({
    ...command,
    settings: ['pgUrl', 'pgSecret'],
    handler: (ctx, flags) => printClickRead(ctx, (reads, read) => ask(reads, read, flags), render),
  });
}

async function printClickRead<D>(
  ctx: Context,
  ask: (reads: ClickReads, read: ClickRead) => Promise<D>,
  render: (doc: D) => string,
): Promise<void> {
  const [{ pgPoolFromConfig, translatePgError }, reads] = await Promise.all([
    import('../../clients/postgres.js'),
    import('../../queries/clickstream/click-queries.js'),
  ]);
  const { pool, connection } = await pgPoolFromConfig(ctx.config, ctx.io.env, { max: 1 });
  try {
    const doc = await ask(reads, { postgres: pool });
    ctx.out.result(doc, () => render(doc));
  } catch (err) {
    throw translatePgError(err, connection);
  } finally {
    await pool.end();
  }
}

const toOption = { flags: '--to <iso>', description: 'end of the range (default now)', parse: instant };

const funnelCommand = clickQuery({
  name: 'funnel',
  description: 'hourly funnel: events and sessions per stage, and conversion',
  examples: ['citystream query clickstream funnel', 'citystream query clickstream funnel --hours 72 --json'],
  options: [wholeNumberOption('--hours <n>', 'how many hours back', CLICK_LIMITS.hours), toOption],
  ask: (reads, read, flags: { hours: number; to?: string }) => reads.funnel(read, flags),
  render: renderFunnel,
});

const pagesCommand = clickQuery({
  name: 'pages',
  description: 'events and revenue by page, event type and device over the last minutes',
  examples: ['citystream query clickstream pages', 'citystream query clickstream pages --minutes 15'],
  options: [wholeNumberOption('--minutes <n>', 'how many minutes back', CLICK_LIMITS.minutes), toOption],
  ask: (reads, read, flags: { minutes: number; to?: string }) => reads.pages(read, flags),
  render: renderPages,
});

const sessionsCommand = clickQuery({
  name: 'sessions',
  description: 'closed sessions (30 minutes without events), newest first',
  examples: ['citystream query clickstream sessions', 'citystream query clickstream sessions --user u-00042'],
  options: [
    {
      flags: '--user <id>',
      description: 'only this user',
      parse: (v: string) => {
        if (!USER_PATTERN.test(v)) throw new InvalidArgumentError(`expected a user id such as u-00042.`);
        return v;
      },
    },
    limitOption(CLICK_LIMITS.sessionsLimit, 'sessions'),
  ],
  ask: (reads, read, flags: { user?: string; limit: number }) => reads.sessions(read, flags),
  render: renderSessions,
});

export const clickstreamQueryGroup = defineGroup({
  name: 'clickstream',
  description: 'read the clickstream tables in PostgreSQL: funnel, pages, sessions',
  examples: [
    'citystream query clickstream funnel --hours 24',
    'citystream query clickstream sessions --user u-00042',
  ],
  commands: [funnelCommand, pagesCommand, sessionsCommand],
});
