import { createDynamoClient } from '../clients/dynamodb.js';
import { startEmbeddedDynamo } from '../clients/embedded-dynamodb.js';
import type { StackService } from './stack.js';
import { createTables } from '../store/tables.js';
import { listenError } from '../clients/listen-error.js';

/**
 * The services of `citystream up`, each a small adapter from a component to the stack's lifecycle.
 * Order matters: later services use what earlier ones published in the state.
 */

export function embeddedDynamoService(host = '127.0.0.1'): StackService {
  return {
    name: 'DynamoDB (embedded)',
    async start(state) {
      const dynamo = await startEmbeddedDynamo({
        host,
        port: state.config.dynamoPort,
        dataDir: state.dataDir,
      });
      state.config = { ...state.config, endpoint: dynamo.endpoint };
      state.dynamo = createDynamoClient(state.config);
      const client = state.dynamo;
      return {
        name: 'dynamodb',
        address: dynamo.endpoint,
        summary: `DynamoDB (dynalite), data in ${state.dataDir}`,
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

export interface ApiServiceOptions {
  version?: string;
  log?: (line: string) => void;
  reportBug?: (err: unknown) => void;
}

export function apiService(options: ApiServiceOptions = {}): StackService {
  return {
    name: 'REST API',
    async start(state) {
      if (!state.dynamo) throw new Error('the API service needs DynamoDB started before it');
      const { startApi } = await import('../api/index.js');
      const api = await startApi({
        client: state.dynamo,
        config: state.config,
        host: state.config.apiHost,
        port: state.config.apiPort,
        ...options,
      }).catch((err: unknown) => {
        throw listenError(err, {
          service: 'the API',
          host: state.config.apiHost,
          port: state.config.apiPort,
          flag: '--api-port',
          usual: 'another `citystream up` or `serve`?',
        });
      });
      return {
        name: 'api',
        address: `${api.url}/api/v1`,
        summary: `REST API, OpenAPI at ${api.url}/api/v1/openapi.json`,
        stop: () => api.close(),
      };
    },
  };
}
