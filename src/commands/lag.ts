import type { Context } from './context.js';
import { UserError } from '../errors.js';
import { renderTable } from '../ui/table.js';
import { defineCommand } from './define-command.js';

interface LagFlags {
  topic?: string[];
}

export const lagCommand = defineCommand<LagFlags>({
  name: 'lag',
  description: "a consumer group's committed offset, log end and lag per partition",
  examples: [
    'citystream lag',
    'citystream lag --group my-consumers --topic city-events',
    'citystream lag --json | jq .total_lag',
    'citystream lag --brokers b-1.msk.example:9092',
  ],
  settings: [{ key: 'group', description: 'consumer group (default: the processor group)' }],
  options: [
    {
      flags: '--topic <name...>',
      description: "only these topics (default: the group's topics, else the events topic)",
    },
  ],
  handler: (ctx, flags) => runLag(ctx, flags),
});

async function runLag(ctx: Context, opts: LagFlags): Promise<void> {
  const { assertBrokerReachable, translateKafkaError } = await import('../clients/kafka.js');
  const { fetchGroupLag } = await import('../processor/group-lag.js');
  await assertBrokerReachable(ctx.config);
  const kafka = await ctx.kafka('citystream-lag');
  const group = ctx.config.group;
  let lag;
  try {
    lag = await fetchGroupLag(kafka, { group, topics: opts.topic, fallbackTopics: [ctx.config.topic] });
  } catch (err) {
    throw translateKafkaError(err, ctx.config, 'offset lookup');
  }
  if (lag === undefined)
    throw new UserError(`consumer group "${group}" not found: it has no members and no committed offsets`, {
      hint: 'check --group; `citystream process` creates the processor group when it first commits',
    });
  const document = {
    group: lag.group,
    state: lag.state ?? null,
    partitions: lag.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      committed_offset: p.committed,
      log_start_offset: p.logStart,
      log_end_offset: p.logEnd,
      lag: p.lag,
    })),
    total_lag: lag.totalLag,
  };
  ctx.out.result(document, () => {
    const rows = lag.partitions.map((p) => [p.topic, p.partition, p.committed ?? '-', p.logEnd, p.lag]);
    const total = lag.partitions.reduce((s, p) => s + p.logEnd, 0);
    if (rows.length > 0) rows.push(['total', '', '', total, lag.totalLag]);
    const table = renderTable(['topic', 'partition', 'committed', 'log end', 'lag'], rows, '(no partitions)');
    return `group ${lag.group}${lag.state ? ` (${lag.state})` : ''}\n${table}`;
  });
}
