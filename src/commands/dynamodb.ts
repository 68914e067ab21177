import path from 'node:path';
import { defineCommand } from './define-command.js';
import { runUntilStopped } from './run-until-stopped.js';

interface DynamoFlags {
  host: string;
  dataDir?: string;
}

/** `citystream dynamodb`: the embedded DynamoDB (dynalite) on its own, until Ctrl-C, like `broker`. */
export const dynamodbCommand = defineCommand<DynamoFlags>({
  name: 'dynamodb',
  description: 'run the embedded DynamoDB-compatible endpoint (dynalite), data under <data-dir>/dynamodb',
  examples: ['citystream dynamodb', 'citystream dynamodb --port 8001 --data-dir /var/lib/citystream'],
  settings: [{ key: 'dynamoPort', flag: '--port <port>', description: 'port to listen on' }],
  options: [
    { flags: '--host <address>', description: 'address to listen on', default: '127.0.0.1' },
    {
      flags: '--data-dir <dir>',
      description: 'the data directory; tables live in <dir>/dynamodb (default: the dataDir setting)',
    },
  ],
  async handler(ctx, flags) {
    const { startEmbeddedDynamo } = await import('../clients/embedded-dynamodb.js');
    const dataDir = path.resolve(ctx.io.cwd, flags.dataDir ?? ctx.config.dataDir);
    const dynamo = await startEmbeddedDynamo({ host: flags.host, port: ctx.config.dynamoPort, dataDir });
    ctx.out.result(
      { endpoint: dynamo.endpoint, port: dynamo.port, dataDir },
      () => `DynamoDB (dynalite) listening on ${dynamo.endpoint} (data in ${path.join(dataDir, 'dynamodb')})`,
    );
    ctx.out.info('press Ctrl-C to stop');
    await runUntilStopped(ctx, {
      stopping: 'stopping DynamoDB',
      stopped: 'DynamoDB stopped',
      stop: () => dynamo.close(),
    });
  },
});
