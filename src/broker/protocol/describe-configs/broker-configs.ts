import type { BrokerState } from '../../broker-state.js';
import { segmentRollMs } from '../../log/partition-log.js';
import { ConfigSource, ConfigType, type DescribedConfig } from './index.js';

/**
 * The configs DescribeConfigs reports: only settings that hold for this broker, each with the value it
 * really applies, read-only (nothing here can be altered at run time; there is no AlterConfigs). A value
 * equal to Kafka's default is reported as DEFAULT_CONFIG, anything else as STATIC_BROKER_CONFIG (set when
 * the broker started); a topic config names its broker-level synonym, as Kafka does.
 */
interface ConfigSpec {
  name: string;
  type: number;
  value: (broker: BrokerState) => string;
  kafkaDefault: string;
  /** The broker-level config a topic config falls back to (Kafka's TopicConfigSynonyms). */
  brokerSynonym?: string;
  doc: string;
}

const LONG_MAX = '9223372036854775807';

const topicConfigs: readonly ConfigSpec[] = [
  {
    name: 'cleanup.policy',
    type: ConfigType.list,
    value: () => 'delete',
    kafkaDefault: 'delete',
    brokerSynonym: 'log.cleanup.policy',
    doc: 'Whole segments are deleted by retention; compaction is not implemented.',
  },
  {
    name: 'compression.type',
    type: ConfigType.string,
    value: () => 'producer',
    kafkaDefault: 'producer',
    brokerSynonym: 'compression.type',
    doc: 'Batches are stored with the compression the producer chose.',
  },
  {
    name: 'message.timestamp.type',
    type: ConfigType.string,
    value: () => 'CreateTime',
    kafkaDefault: 'CreateTime',
    brokerSynonym: 'log.message.timestamp.type',
    doc: 'Record timestamps are the producer\u2019s.',
  },
  {
    name: 'message.timestamp.difference.max.ms',
    type: ConfigType.long,
    value: () => LONG_MAX,
    kafkaDefault: LONG_MAX,
    brokerSynonym: 'log.message.timestamp.difference.max.ms',
    doc: 'Record timestamps are not range-checked.',
  },
  {
    name: 'min.insync.replicas',
    type: ConfigType.int,
    value: () => '1',
    kafkaDefault: '1',
    brokerSynonym: 'min.insync.replicas',
    doc: 'One node: the leader is the only replica.',
  },
  {
    name: 'retention.bytes',
    type: ConfigType.long,
    value: (b) => String(b.config.retentionBytes),
    kafkaDefault: '-1',
    brokerSynonym: 'log.retention.bytes',
    doc: 'Closed segments are deleted while the partition is larger than this (-1: no limit).',
  },
  {
    name: 'retention.ms',
    type: ConfigType.long,
    value: (b) => String(b.config.retentionMs),
    kafkaDefault: '604800000',
    brokerSynonym: 'log.retention.ms',
    doc: 'Closed segments older than this (by their last append) are deleted.',
  },
  {
    name: 'segment.bytes',
    type: ConfigType.int,
    value: (b) => String(b.config.segmentBytes),
    kafkaDefault: '1073741824',
    brokerSynonym: 'log.segment.bytes',
    doc: 'A segment rolls when it reaches this size.',
  },
  {
    name: 'segment.ms',
    type: ConfigType.long,
    value: (b) => String(segmentRollMs(b.config)),
    kafkaDefault: '604800000',
    brokerSynonym: 'log.roll.ms',
    doc: 'A segment rolls after this long (an hour, or the retention time if shorter).',
  },
];

const brokerOnlyConfigs: readonly ConfigSpec[] = [
  {
    name: 'broker.id',
    type: ConfigType.int,
    value: (b) => String(b.nodeId),
    kafkaDefault: '-1',
    doc: 'The one node of this cluster.',
  },
  {
    name: 'num.partitions',
    type: ConfigType.int,
    value: (b) => String(b.config.defaultPartitions),
    kafkaDefault: '1',
    doc: 'Partitions of an auto-created topic, and of CreateTopics with num_partitions -1.',
  },
  {
    name: 'default.replication.factor',
    type: ConfigType.int,
    value: () => '1',
    kafkaDefault: '1',
    doc: 'One node: every partition has one replica.',
  },
  {
    name: 'auto.create.topics.enable',
    type: ConfigType.boolean,
    value: (b) => String(b.config.autoCreateTopics),
    kafkaDefault: 'true',
    doc: 'Whether Metadata and Produce create a topic that does not exist.',
  },
  {
    name: 'delete.topic.enable',
    type: ConfigType.boolean,
    value: () => 'true',
    kafkaDefault: 'true',
    doc: 'DeleteTopics removes the topic and its data.',
  },
  {
    name: 'log.dirs',
    type: ConfigType.string,
    value: (b) => b.dataDir,
    kafkaDefault: '',
    doc: 'The data directory.',
  },
];

/** Broker-level names of the topic configs (log.retention.ms for retention.ms, …), same values. */
const brokerConfigs: readonly ConfigSpec[] = [
  ...brokerOnlyConfigs,
  ...topicConfigs.map((c) => ({ ...c, name: c.brokerSynonym ?? c.name, brokerSynonym: undefined })),
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

function describe(
  spec: ConfigSpec,
  broker: BrokerState,
  options: { includeSynonyms: boolean; includeDocumentation: boolean },
): DescribedConfig {
  const value = spec.value(broker);
  const source = value === spec.kafkaDefault ? ConfigSource.default : ConfigSource.staticBroker;
  const synonyms = [{ name: spec.brokerSynonym ?? spec.name, value, source }];
  return {
    name: spec.name,
    value,
    readOnly: true,
    source,
    isSensitive: false,
    synonyms: options.includeSynonyms ? synonyms : [],
    configType: spec.type,
    documentation: options.includeDocumentation ? spec.doc : null,
  };
}

function select(specs: readonly ConfigSpec[], keys: readonly string[] | null): readonly ConfigSpec[] {
  // Kafka answers every config for a null or an empty key list, and silently skips unknown keys.
  if (keys === null || keys.length === 0) return specs;
  return specs.filter((s) => keys.includes(s.name));
}

export function topicConfigEntries(
  broker: BrokerState,
  keys: readonly string[] | null,
  options: { includeSynonyms: boolean; includeDocumentation: boolean },
): DescribedConfig[] {
  return select(topicConfigs, keys).map((s) => describe(s, broker, options));
}

export function brokerConfigEntries(
  broker: BrokerState,
  keys: readonly string[] | null,
  options: { includeSynonyms: boolean; includeDocumentation: boolean },
): DescribedConfig[] {
  return select(brokerConfigs, keys).map((s) => describe(s, broker, options));
}
