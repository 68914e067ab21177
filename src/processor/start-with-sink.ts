import type { Config } from '../config/settings.js';
import { translateKafkaError } from '../clients/kafka.js';

interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a processor that writes through `release`'s sink (a DynamoDB client, a PostgreSQL pool). If it
 * cannot start, what did start is stopped, the sink released, and the Kafka error translated. Returns
 * the stop that undoes both in order: the processor (its batches in flight commit), then the sink.
 */
export async function startWithSink(
  processor: Startable,
  release: () => Promise<void>,
  config: Config,
): Promise<() => Promise<void>> {
  try {
    await processor.start();
  } catch (err) {
    await processor.stop().catch(() => {});
    await release();
    throw translateKafkaError(err, config, 'consumer start');
  }
  return async () => {
    await processor.stop();
    await release();
  };
}
