import type { BrokerConfig } from './broker-state.js';

/** Defaults: durable (fsync before acknowledging), Kafka's limits, the seed's 24 h retention. */
export const defaultBrokerConfig: BrokerConfig = {
  defaultPartitions: 6,
  autoCreateTopics: true,
  maxFrameBytes: 100 * 1024 * 1024,
  fsync: 'always',
  fsyncIntervalMs: 1000,
  segmentBytes: 64 * 1024 * 1024,
  retentionMs: 24 * 60 * 60 * 1000,
  retentionBytes: -1,
};
