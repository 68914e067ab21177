import { assertBrokerReachable } from '../clients/kafka.js';
import { listenError } from '../clients/listen-error.js';
import type { LiveBus } from '../processor/live-bus.js';
import type { StackService } from './stack.js';

export interface ApiServiceOptions {
  version?: string;
  live?: LiveBus;
  log?: (line: string) => void;
  reportBug?: (err: unknown) => void;
}

export function apiService(options: ApiServiceOptions = {}): StackService {
  return {
    name: 'REST API',
    async start(state) {
      // The clickstream stack runs no DynamoDB: its client then points at the configured endpoint, and
      // only the city routes answer 503.
      if (!state.dynamo && !state.postgres)
        throw new Error('the API service needs DynamoDB or PostgreSQL started before it');
      const { startApi, apiDynamoClient } = await import('../api/index.js');
      const config = state.config;
      const client = apiDynamoClient(state.config);
      const api = await startApi({
        client,
        postgres: state.postgres,
        config: state.config,
        host: state.config.apiHost,
        port: state.config.apiPort,
        probes: [
          {
            name: 'broker',
            probe: () =>
              assertBrokerReachable(config, 1_000).then(() => ({
                name: 'broker',
                status: 'ok' as const,
                detail: `accepts connections at ${config.brokers.join(',')}`,
              })),
          },
        ],
        ...options,
      }).catch((err: unknown) => {
        client.destroy();
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
        summary: `REST API, OpenAPI at ${api.url}/api/v1/openapi.json; web console at ${api.url}/`,
        async stop() {
          await api.close();
          client.destroy();
        },
      };
    },
  };
}
