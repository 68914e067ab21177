import { createDynamoClient, describeEndpoint } from '../clients/dynamodb.js';
import { startEmbeddedDynamo } from '../clients/embedded-dynamodb.js';
import { createTables } from '../store/tables.js';
import type { StackService } from './stack.js';

/** The stack's DynamoDB (embedded, or the one given; either publishes a client) and its tables. */

/** A DynamoDB that runs already (`up --endpoint`): a client for it; it is not started or stopped. */
export function existingDynamoService(): StackService {
  return {
    name: 'DynamoDB (given)',
    async start(state) {
      state.dynamo = createDynamoClient(state.config);
      const client = state.dynamo;
      return {
        name: 'dynamodb',
        address: state.config.endpoint ?? describeEndpoint(state.config),
        summary: 'existing DynamoDB (given), not started or stopped by up',
        stop: async () => client.destroy(),
      };
    },
  };
}

/** dynalite in a child process; `onFailure` hears of it exiting on its own (a crash, a kill). */
export function embeddedDynamoService(host = '127.0.0.1', onFailure?: (err: unknown) => void): StackService {
  return {
    name: 'DynamoDB (embedded)',
    async start(state) {
      const dynamo = await startEmbeddedDynamo({
        host,
        port: state.config.dynamoPort,
        dataDir: state.dataDir,
      });
      dynamo.exited.catch((err: unknown) => onFailure?.(err));
      state.config = { ...state.config, endpoint: dynamo.endpoint };
      state.dynamo = createDynamoClient(state.config);
      const client = state.dynamo;
      return {
        name: 'dynamodb',
        address: dynamo.endpoint,
        summary: `DynamoDB (dynalite, process ${dynamo.pid}), data in ${state.dataDir}`,
        async stop() {
          client.destroy();
          await dynamo.close();
        },
      };
    },
  };
}

export function tablesService(): StackService {
  return {
    name: 'tables',
    async start(state) {
      if (!state.dynamo) throw new Error('the tables service needs DynamoDB started before it');
      const result = await createTables(state.dynamo, {
        prefix: state.config.prefix,
        billing: { mode: state.config.billingMode },
        signal: state.signal,
        pollMs: 50,
      });
      const created = result.tables.filter((t) => t.action === 'created').length;
      return {
        name: 'tables',
        summary: `${result.tables.length} tables ${state.config.prefix}* ready (${created} created)`,
        stop: async () => {},
      };
    },
  };
}
