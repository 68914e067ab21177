import path from 'node:path';
import { Command } from 'commander';
import { type CommandModule, withExamples } from './command.js';
import { intInRange } from './option-parsers.js';
import { untilAborted } from './until-aborted.js';

interface DynamoFlags {
  port?: number;
  host: string;
  dataDir?: string;
}

/** `citystream dynamodb`: the embedded DynamoDB (dynalite) on its own, until SIGINT/SIGTERM, like `broker`. */
export const dynamodbCommand: CommandModule = {
  name: 'dynamodb',
  register(program, services) {
    const cmd = new Command('dynamodb')
      .description('run the embedded DynamoDB-compatible endpoint (dynalite), data under <data-dir>/dynamodb')
      .option('--port <port>', 'port to listen on (default: setting dynamoPort, 8000)', intInRange(0, 65535))
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--data-dir <dir>', 'the data directory; tables live in <dir>/dynamodb (default .citystream)')
      .action(async (flags: DynamoFlags, self: Command) => {
        const ctx = await services.context(self);
        const { startEmbeddedDynamo } = await import('../clients/embedded-dynamodb.js');
        const dataDir = path.resolve(ctx.io.cwd, flags.dataDir ?? ctx.config.dataDir);
        const dynamo = await startEmbeddedDynamo({
          host: flags.host,
          port: flags.port ?? ctx.config.dynamoPort,
          dataDir,
        });
        ctx.out.result(
          { endpoint: dynamo.endpoint, port: dynamo.port, dataDir },
          () =>
            `DynamoDB (dynalite) listening on ${dynamo.endpoint} (data in ${path.join(dataDir, 'dynamodb')})`,
        );
        ctx.out.info('press Ctrl-C to stop');
        await untilAborted(ctx.signal);
        ctx.out.info('stopping DynamoDB');
        await dynamo.close();
        ctx.out.info('DynamoDB stopped');
      });
    withExamples(cmd, [
      'citystream dynamodb',
      'citystream dynamodb --port 8001 --data-dir /var/lib/citystream',
    ]);
    program.addCommand(cmd);
  },
};
