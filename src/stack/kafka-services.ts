import { join } from 'node:path';
import { startBroker } from '../broker/broker.js';
import { assertBrokerReachable } from '../clients/kafka.js';
import { listenError } from '../clients/listen-error.js';
import type { StackService } from './stack.js';

/** The stack's Kafka: the embedded broker (publishes its bootstrap address), or the one given. */

export function brokerService(host = '127.0.0.1'): StackService {
  return {
    name: 'Kafka broker (embedded)',
    async start(state) {
      const broker = await startBroker({
        host,
        port: state.config.brokerPort,
        dataDir: join(state.dataDir, 'kafka'),
        partitions: state.config.partitions,
      }).catch((err: unknown) => {
        throw listenError(err, {
          service: 'the broker',
          host,
          port: state.config.brokerPort,
          flag: '--broker-port',
          usual: 'another `citystream up` or a Kafka?',
        });
      });
      state.config = { ...state.config, brokers: [broker.bootstrap] };
      return {
        name: 'broker',
        address: broker.bootstrap,
        summary: `Kafka-protocol broker, log in ${join(state.dataDir, 'kafka')}`,
        stop: () => broker.close(),
      };
    },
  };
}

/** A Kafka that runs already (`up --brokers`): nothing to start or stop, only checked for a listener. */
export function existingKafkaService(): StackService {
  return {
    name: 'Kafka (given)',
    async start(state) {
      await assertBrokerReachable(state.config);
      return {
        name: 'broker',
        address: state.config.brokers.join(','),
        summary: 'existing Kafka (given), not started or stopped by up',
        stop: async () => {},
      };
    },
  };
}
