import { kafkaFromConfig } from '../clients/kafka.js';
import type { LiveBus } from '../processor/live-bus.js';
import type { ProcessorMetrics } from '../processor/metrics.js';
import type { GroupJoin, Processor } from '../processor/processor.js';
import type { StackService } from './stack.js';

/** The city-events pipeline's processor (into the tables) and its synthetic producer. */

export interface ProcessorServiceOptions {
  metrics?: ProcessorMetrics;
  onFailure?: (err: unknown) => void;
  onProcessor?: (processor: Processor) => void;
  onGroupJoin?: (join: GroupJoin) => void;
  /** Where the processor publishes what it writes (the API of the same stack streams it). */
  live?: LiveBus;
}

export function processorService(options: ProcessorServiceOptions = {}): StackService {
  return {
    name: 'processor',
    async start(state) {
      const { startPipelineProcessor } = await import('../processor/start-processor.js');
      const running = await startPipelineProcessor(state.config, {
        sink: 'dynamodb',
        metrics: options.metrics,
        live: options.live,
        onGroupJoin: options.onGroupJoin,
      });
      running.processor.done.catch((err: unknown) => options.onFailure?.(err));
      options.onProcessor?.(running.processor);
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
      const { produceEvents, PRODUCER_CLIENT_RETRY } = await import('../events/producer.js');
      const controller = new AbortController();
      const kafka = kafkaFromConfig(state.config, {
        clientId: 'citystream-producer',
        retry: PRODUCER_CLIENT_RETRY,
      });
      const running = produceEvents({ kafka, topic: state.config.topic, rate, signal: controller.signal });
      running.catch((err: unknown) => onFailure?.(err));
      return {
        name: 'producer',
        summary: `synthetic events at ${rate === 0 ? 'full speed' : `${rate}/s`} to ${state.config.topic}`,
        async stop() {
          controller.abort();
          await running.catch(() => undefined);
        },
      };
    },
  };
}
