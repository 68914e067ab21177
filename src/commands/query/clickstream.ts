import { InvalidArgumentError } from 'commander';
import { CLICK_LIMITS, USER_PATTERN } from '../../queries/clickstream/click-parameters.js';
import type { Context } from '../context.js';
import { defineCommand, defineGroup } from '../define-command.js';
import { intInRange } from '../option-parsers.js';
import { instant } from './read.js';
import { renderFunnel, renderPages, renderSessions } from './clickstream-render.js';

/** `citystream query clickstream funnel|pages|sessions`: the clickstream's documents, from PostgreSQL. */
type ClickReads = typeof import('../../queries/clickstream/click-queries.js');

async function printClickRead<D>(
  ctx: Context,
  ask: (reads: ClickReads, read: { postgres: import('pg').Pool }) => Promise<D>,
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

const funnelCommand = defineCommand<{ hours: number; to?: string }>({
  name: 'funnel',
  description: 'hourly funnel: events and sessions per stage, and conversion',
  examples: ['citystream query clickstream funnel', 'citystream query clickstream funnel --hours 72 --json'],
  settings: ['pgUrl', 'pgSecret'],
  options: [
    {
      flags: '--hours <n>',
      description: `how many hours back (${CLICK_LIMITS.hours.min}-${CLICK_LIMITS.hours.max})`,
      parse: intInRange(CLICK_LIMITS.hours.min, CLICK_LIMITS.hours.max),
      default: CLICK_LIMITS.hours.default,
    },
    toOption,
  ],
  handler: (ctx, flags) => printClickRead(ctx, (r, read) => r.funnel(read, flags), renderFunnel),
});

const pagesCommand = defineCommand<{ minutes: number; to?: string }>({
  name: 'pages',
  description: 'events and revenue by page, event type and device over the last minutes',
  examples: ['citystream query clickstream pages', 'citystream query clickstream pages --minutes 15'],
  settings: ['pgUrl', 'pgSecret'],
  options: [
    {
      flags: '--minutes <n>',
      description: `how many minutes back (${CLICK_LIMITS.minutes.min}-${CLICK_LIMITS.minutes.max})`,
      parse: intInRange(CLICK_LIMITS.minutes.min, CLICK_LIMITS.minutes.max),
      default: CLICK_LIMITS.minutes.default,
    },
    toOption,
  ],
  handler: (ctx, flags) => printClickRead(ctx, (r, read) => r.pages(read, flags), renderPages),
});

const sessionsCommand = defineCommand<{ user?: string; limit: number }>({
  name: 'sessions',
  description: 'closed sessions (30 minutes without events), newest first',
  examples: ['citystream query clickstream sessions', 'citystream query clickstream sessions --user u-00042'],
  settings: ['pgUrl', 'pgSecret'],
  options: [
    {
      flags: '--user <id>',
      description: 'only this user',
      parse: (v: string) => {
        if (!USER_PATTERN.test(v)) throw new InvalidArgumentError(`expected a user id such as u-00042.`);
        return v;
      },
    },
    {
      flags: '--limit <n>',
      description: `how many sessions (${CLICK_LIMITS.sessionsLimit.min}-${CLICK_LIMITS.sessionsLimit.max})`,
      parse: intInRange(CLICK_LIMITS.sessionsLimit.min, CLICK_LIMITS.sessionsLimit.max),
      default: CLICK_LIMITS.sessionsLimit.default,
    },
  ],
  handler: (ctx, flags) => printClickRead(ctx, (r, read) => r.sessions(read, flags), renderSessions),
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
