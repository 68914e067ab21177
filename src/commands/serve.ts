import { Command, Option } from 'commander';
import { formatError } from '../errors.js';
import { type CommandModule, withExamples } from './command.js';
import { intInRange } from './option-parsers.js';
import { listenError } from '../clients/listen-error.js';
import { untilAborted } from './until-aborted.js';

/**
 * `citystream serve`: the REST API on its own, until SIGINT/SIGTERM (ctx.signal). `citystream up` starts
 * the same server (startApi) next to the embedded engines.
 */
export const serveCommand: CommandModule = {
  name: 'serve',
  register(program, services) {
    const cmd = new Command('serve')
      .description(
        'serve the REST API (/api/v1: health, events, summary, alerts, cities, aggregations, stats)',
      )
      .addOption(
        new Option('--port <port>', 'port to listen on (0: any free port)').argParser(intInRange(0, 65535)),
      )
      .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)')
      .action(async (opts: { port?: number; host?: string }, self: Command) => {
        const ctx = await services.context(self, { apiPort: opts.port, apiHost: opts.host });
        const [{ withDynamoClient }, { startApi }, { DescribeTableCommand }, { tableNames }] =
          await Promise.all([
            import('../clients/dynamodb.js'),
            import('../api/index.js'),
            import('@aws-sdk/client-dynamodb'),
            import('../store/table-definitions.js'),
          ]);
        await withDynamoClient(ctx.config, async (client) => {
          const api = await startApi({
            client,
            config: ctx.config,
            host: ctx.config.apiHost,
            port: ctx.config.apiPort,
            log: ctx.debug ? (line) => ctx.out.info(line) : undefined,
            reportBug: (err) => ctx.out.info(formatError(err, ctx.debug)),
          }).catch((err: unknown) => {
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
          await client
            .send(new DescribeTableCommand({ TableName: tableNames(ctx.config.prefix).rawEvents }))
            .catch((err: unknown) => ctx.out.warn(formatError(err, false).replace(/^Error: /, '')));
          await untilAborted(ctx.signal);
          ctx.out.info('stopping the API: finishing requests in flight');
          await api.close();
          ctx.out.info('API stopped');
        });
      });
    withExamples(cmd, [
      'citystream serve',
      'citystream serve --port 9090 --host 0.0.0.0',
      'curl -s http://127.0.0.1:8082/api/v1/stats',
    ]);
    program.addCommand(cmd);
  },
};
