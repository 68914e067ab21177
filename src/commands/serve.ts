import { defineCommand } from './define-command.js';
import { runUntilStopped } from './run-until-stopped.js';

/**
 * `citystream serve`: the REST API on its own, until Ctrl-C. `citystream up` starts the same server
 * (startApi) next to the embedded engines.
 */
export const serveCommand = defineCommand({
  name: 'serve',
  description: 'serve the REST API (/api/v1: health, events, summary, alerts, cities, aggregations, stats)',
  examples: [
    'citystream serve',
    'citystream serve --port 9090 --host 0.0.0.0',
    'curl -s http://127.0.0.1:8082/api/v1/stats',
  ],
  settings: [
    { key: 'apiPort', flag: '--port <port>', description: 'port to listen on (0: any free port)' },
    {
      key: 'apiHost',
      flag: '--host <address>',
      description: 'address to listen on (0.0.0.0 for every interface)',
    },
    'workload',
    'pgUrl',
    'pgSecret',
  ],
  async handler(ctx) {
    const [{ startApi, apiDynamoClient }, { listenError }, { formatError }] = await Promise.all([
      import('../api/index.js'),
      import('../clients/listen-error.js'),
      import('../ui/error-format.js'),
    ]);
    const client = apiDynamoClient(ctx.config);
    const clickstream = ctx.config.workload === 'clickstream' || ctx.config.pgUrl || ctx.config.pgSecret;
    const postgres = clickstream
      ? (await (await import('../clients/postgres.js')).pgPoolFromConfig(ctx.config, ctx.io.env)).pool
      : undefined;
    const api = await startApi({
      client,
      postgres,
      config: ctx.config,
      host: ctx.config.apiHost,
      port: ctx.config.apiPort,
      token: ctx.config.apiToken,
      log: ctx.debug ? (line) => ctx.out.info(line) : undefined,
      reportBug: (err) => ctx.out.info(formatError(err, ctx.debug)),
    }).catch((err: unknown) => {
      client.destroy();
      throw listenError(err, {
        service: 'the API',
        host: ctx.config.apiHost,
        port: ctx.config.apiPort,
        flag: '--port',
        usual: 'another `citystream serve` or `up`?',
      });
    });
    const base = `${api.url}/api/v1`;
    ctx.out.result({ url: base, openapi: `${base}/openapi.json` }, () => `API listening on ${base}`);
    ctx.out.info(`OpenAPI document: ${base}/openapi.json; press Ctrl-C to stop`);
    // Serve anyway (the API answers 503 until DynamoDB is there), but say what is missing now.
    const [{ DescribeTableCommand }, { tableNames }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../store/table-definitions.js'),
    ]);
    await client
      .send(new DescribeTableCommand({ TableName: tableNames(ctx.config.prefix).rawEvents }))
      .catch((err: unknown) => ctx.out.warn(formatError(err, false).replace(/^Error: /, '')));
    await runUntilStopped(ctx, {
      stopping: 'stopping the API: finishing requests in flight',
      stopped: 'API stopped',
      stop: async () => {
        await api.close();
        client.destroy();
        await postgres?.end();
      },
    });
  },
});
