import { join } from 'node:path';
import { startBroker } from '../broker/broker.js';
import { kafkaFromConfig } from '../clients/kafka.js';
import type { StackService } from './stack.js';
import { ProcessorMetrics } from '../processor/metrics.js';
import { listenError } from '../clients/listen-error.js';

/**
 * The pipeline's entries in `citystream up`'s service list: the embedded broker (first), the processor
 * and the producer (last). Stopping runs in reverse: the producer stops sending, the processor finishes
 * and commits its batches, and the broker syncs its log, so nothing acknowledged is lost and `up` again
 * resumes from the committed offsets.
 */

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

export function processorService(
  options: { metrics?: ProcessorMetrics; onFailure?: (err: unknown) => void } = {},
): StackService {
  return {
    name: 'processor',
    async start(state) {
      const { startPipelineProcessor } = await import('../processor/start-processor.js');
      const running = await startPipelineProcessor(state.config, {
        sink: 'dynamodb',
        metrics: options.metrics,
      });
      running.processor.done.catch((err: unknown) => options.onFailure?.(err));
      return {
        name: 'processor',
        summary: `consumer group ${state.config.group}: ${state.config.topic} → tables, late and malformed → ${state.config.dlqTopic}`,
        stop: () => running.stop(),
      };
    },
  };
}

export function producerService(rate: number, onFailure?: (err: unknown) => void): StackService {
  return {
    name: 'producer',
    async start(state) {
      const { produceEvents } = await import('../events/producer.js');
      const controller = new AbortController();
      const kafka = kafkaFromConfig(state.config, { clientId: 'citystream-producer' });
      const running = produceEvents({ kafka, topic: state.config.topic, rate, signal: controller.signal });
      running.catch((err: unknown) => onFailure?.(err));
      return {
        name: 'producer',
        summary: `synthetic events at ${rate}/s to ${state.config.topic}`,
        async stop() {
          controller.abort();
          await running.catch(() => undefined);
        },
      };
    },
  };
}
