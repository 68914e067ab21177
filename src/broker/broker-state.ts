import type { GroupCoordinatorApi } from './group-coordinator-api.js';
import type { TopicStore } from './log/topic-store.js';
import type { ApiVersionRange } from './protocol/api-definition.js';

/** Settings every part of the broker may read; defaults are in broker-config.ts. */
export interface BrokerConfig {
  /** Partitions of an auto-created topic, and of CreateTopics with num_partitions -1. */
  defaultPartitions: number;
  autoCreateTopics: boolean;
  /** Largest request frame accepted; a larger length prefix closes the connection. */
  maxFrameBytes: number;
  /** When an acknowledged produce is fsynced: before the response, on a timer, or left to the OS. */
  fsync: 'always' | 'interval' | 'never';
  fsyncIntervalMs: number;
  segmentBytes: number;
  retentionMs: number;
  /** Per partition; -1 for no size limit. */
  retentionBytes: number;
}

/** The broker as the API handlers see it. One per running broker; handlers never hold it beyond a request. */
export interface BrokerState {
  nodeId: number;
  /** The advertised address: what Metadata and FindCoordinator return to clients. */
  host: string;
  port: number;
  clusterId: string;
  dataDir: string;
  config: BrokerConfig;
  topics: TopicStore;
  groups: GroupCoordinatorApi;
  /** The versions ApiVersions advertises, derived from the registration list in api-registry.ts. */
  apiVersions: readonly ApiVersionRange[];
  /** One line to the broker's log (stderr of `citystream broker`; silent in tests unless asked). */
  log(line: string): void;
}
