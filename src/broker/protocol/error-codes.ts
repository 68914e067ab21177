/**
 * Kafka's error codes: the one table the broker answers from (codes, names and messages as Apache Kafka's
 * `Errors` enum has them; only the codes this broker can return, plus their neighbours clients know).
 * Handlers use `ErrorCode.X` (a number) in responses.
 */
export interface KafkaErrorInfo {
  name: string;
  code: number;
  retriable: boolean;
  message: string;
}

export const kafkaErrors = [
  {
    name: 'UNKNOWN_SERVER_ERROR',
    code: -1,
    retriable: false,
    message: 'The server experienced an unexpected error when processing the request.',
  },
  { name: 'NONE', code: 0, retriable: false, message: 'No error.' },
  {
    name: 'OFFSET_OUT_OF_RANGE',
    code: 1,
    retriable: false,
    message: 'The requested offset is not within the range of offsets maintained by the server.',
  },
  {
    name: 'CORRUPT_MESSAGE',
    code: 2,
    retriable: true,
    message:
      'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.',
  },
  {
    name: 'UNKNOWN_TOPIC_OR_PARTITION',
    code: 3,
    retriable: true,
    message: 'This server does not host this topic-partition.',
  },
  { name: 'INVALID_FETCH_SIZE', code: 4, retriable: false, message: 'The requested fetch size is invalid.' },
  {
    name: 'LEADER_NOT_AVAILABLE',
    code: 5,
    retriable: true,
    message: 'There is no leader for this topic-partition as we are in the middle of a leadership election.',
  },
  {
    name: 'NOT_LEADER_OR_FOLLOWER',
    code: 6,
    retriable: true,
    message:
      'For requests intended only for the leader, this error indicates that the broker is not the current leader.',
  },
  { name: 'REQUEST_TIMED_OUT', code: 7, retriable: true, message: 'The request timed out.' },
  {
    name: 'MESSAGE_TOO_LARGE',
    code: 10,
    retriable: false,
    message: 'The request included a message larger than the max message size the server will accept.',
  },
  {
    name: 'NETWORK_EXCEPTION',
    code: 13,
    retriable: true,
    message: 'The server disconnected before a response was received.',
  },
  {
    name: 'COORDINATOR_LOAD_IN_PROGRESS',
    code: 14,
    retriable: true,
    message: "The coordinator is loading and hence can't process requests.",
  },
  {
    name: 'COORDINATOR_NOT_AVAILABLE',
    code: 15,
    retriable: true,
    message: 'The coordinator is not available.',
  },
  { name: 'NOT_COORDINATOR', code: 16, retriable: true, message: 'This is not the correct coordinator.' },
  {
    name: 'INVALID_TOPIC_EXCEPTION',
    code: 17,
    retriable: false,
    message: 'The request attempted to perform an operation on an invalid topic.',
  },
  {
    name: 'RECORD_LIST_TOO_LARGE',
    code: 18,
    retriable: false,
    message: 'The request included message batch larger than the configured segment size on the server.',
  },
  {
    name: 'NOT_ENOUGH_REPLICAS',
    code: 19,
    retriable: true,
    message: 'Messages are rejected since there are fewer in-sync replicas than required.',
  },
  {
    name: 'INVALID_REQUIRED_ACKS',
    code: 21,
    retriable: false,
    message: 'Produce request specified an invalid value for required acks.',
  },
  {
    name: 'ILLEGAL_GENERATION',
    code: 22,
    retriable: false,
    message: 'Specified group generation id is not valid.',
  },
  {
    name: 'INCONSISTENT_GROUP_PROTOCOL',
    code: 23,
    retriable: false,
    message:
      "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
  },
  { name: 'INVALID_GROUP_ID', code: 24, retriable: false, message: 'The configured groupId is invalid.' },
  {
    name: 'UNKNOWN_MEMBER_ID',
    code: 25,
    retriable: false,
    message: 'The coordinator is not aware of this member.',
  },
  {
    name: 'INVALID_SESSION_TIMEOUT',
    code: 26,
    retriable: false,
    message: 'The session timeout is not within the range allowed by the broker.',
  },
  {
    name: 'REBALANCE_IN_PROGRESS',
    code: 27,
    retriable: false,
    message: 'The group is rebalancing, so a rejoin is needed.',
  },
  {
    name: 'INVALID_COMMIT_OFFSET_SIZE',
    code: 28,
    retriable: false,
    message: 'The committing offset data size is not valid.',
  },
  { name: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false, message: 'Topic authorization failed.' },
  { name: 'GROUP_AUTHORIZATION_FAILED', code: 30, retriable: false, message: 'Group authorization failed.' },
  {
    name: 'CLUSTER_AUTHORIZATION_FAILED',
    code: 31,
    retriable: false,
    message: 'Cluster authorization failed.',
  },
  {
    name: 'INVALID_TIMESTAMP',
    code: 32,
    retriable: false,
    message: 'The timestamp of the message is out of acceptable range.',
  },
  {
    name: 'UNSUPPORTED_SASL_MECHANISM',
    code: 33,
    retriable: false,
    message: 'The broker does not support the requested SASL mechanism.',
  },
  {
    name: 'UNSUPPORTED_VERSION',
    code: 35,
    retriable: false,
    message: 'The version of API is not supported.',
  },
  {
    name: 'TOPIC_ALREADY_EXISTS',
    code: 36,
    retriable: false,
    message: 'Topic with this name already exists.',
  },
  { name: 'INVALID_PARTITIONS', code: 37, retriable: false, message: 'Number of partitions is below 1.' },
  {
    name: 'INVALID_REPLICATION_FACTOR',
    code: 38,
    retriable: false,
    message: 'Replication factor is below 1 or larger than the number of available brokers.',
  },
  {
    name: 'INVALID_REPLICA_ASSIGNMENT',
    code: 39,
    retriable: false,
    message: 'Replica assignment is invalid.',
  },
  { name: 'INVALID_CONFIG', code: 40, retriable: false, message: 'Configuration is invalid.' },
  {
    name: 'NOT_CONTROLLER',
    code: 41,
    retriable: true,
    message: 'This is not the correct controller for this cluster.',
  },
  {
    name: 'INVALID_REQUEST',
    code: 42,
    retriable: false,
    message:
      'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker.',
  },
  {
    name: 'UNSUPPORTED_FOR_MESSAGE_FORMAT',
    code: 43,
    retriable: false,
    message: 'The message format version on the broker does not support the request.',
  },
  {
    name: 'POLICY_VIOLATION',
    code: 44,
    retriable: false,
    message: 'Request parameters do not satisfy the configured policy.',
  },
  {
    name: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    code: 45,
    retriable: false,
    message: 'The broker received an out of order sequence number.',
  },
  {
    name: 'DUPLICATE_SEQUENCE_NUMBER',
    code: 46,
    retriable: false,
    message: 'The broker received a duplicate sequence number.',
  },
  {
    name: 'INVALID_PRODUCER_EPOCH',
    code: 47,
    retriable: false,
    message: 'Producer attempted to produce with an old epoch.',
  },
  {
    name: 'INVALID_TXN_STATE',
    code: 48,
    retriable: false,
    message: 'The producer attempted a transactional operation in an invalid state.',
  },
  {
    name: 'INVALID_PRODUCER_ID_MAPPING',
    code: 49,
    retriable: false,
    message:
      'The producer attempted to use a producer id which is not currently assigned to its transactional id.',
  },
  {
    name: 'INVALID_TRANSACTION_TIMEOUT',
    code: 50,
    retriable: false,
    message: 'The transaction timeout is larger than the maximum value allowed by the broker.',
  },
  {
    name: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
    code: 53,
    retriable: false,
    message: 'Transactional Id authorization failed.',
  },
  {
    name: 'KAFKA_STORAGE_ERROR',
    code: 56,
    retriable: true,
    message: 'Disk error when trying to access log file on the disk.',
  },
  {
    name: 'UNKNOWN_PRODUCER_ID',
    code: 59,
    retriable: false,
    message:
      'This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question.',
  },
  { name: 'NON_EMPTY_GROUP', code: 68, retriable: false, message: 'The group is not empty.' },
  { name: 'GROUP_ID_NOT_FOUND', code: 69, retriable: false, message: 'The group id does not exist.' },
  {
    name: 'FETCH_SESSION_ID_NOT_FOUND',
    code: 70,
    retriable: true,
    message: 'The fetch session ID was not found.',
  },
  {
    name: 'INVALID_FETCH_SESSION_EPOCH',
    code: 71,
    retriable: true,
    message: 'The fetch session epoch is invalid.',
  },
  {
    name: 'UNSUPPORTED_COMPRESSION_TYPE',
    code: 76,
    retriable: false,
    message: 'The requesting client does not support the compression type of given partition.',
  },
  {
    name: 'OFFSET_NOT_AVAILABLE',
    code: 78,
    retriable: true,
    message:
      'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.',
  },
  {
    name: 'MEMBER_ID_REQUIRED',
    code: 79,
    retriable: false,
    message: 'The group member needs to have a valid member id before actually entering a consumer group.',
  },
  {
    name: 'GROUP_MAX_SIZE_REACHED',
    code: 81,
    retriable: false,
    message: 'The consumer group has reached its max size.',
  },
  {
    name: 'FENCED_INSTANCE_ID',
    code: 82,
    retriable: false,
    message:
      'The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.',
  },
  {
    name: 'GROUP_SUBSCRIBED_TO_TOPIC',
    code: 86,
    retriable: false,
    message: 'The consumer group is actively subscribed to the topic.',
  },
  {
    name: 'INVALID_RECORD',
    code: 87,
    retriable: false,
    message: 'This record has failed the validation on broker and hence will be rejected.',
  },
  {
    name: 'UNSTABLE_OFFSET_COMMIT',
    code: 88,
    retriable: true,
    message: 'There are unstable offsets that need to be cleared.',
  },
] as const satisfies readonly KafkaErrorInfo[];

type ErrorName = (typeof kafkaErrors)[number]['name'];

/** `ErrorCode.UNKNOWN_TOPIC_OR_PARTITION === 3`, and so on. */
export const ErrorCode = Object.fromEntries(kafkaErrors.map((e) => [e.name, e.code])) as {
  readonly [K in ErrorName]: Extract<(typeof kafkaErrors)[number], { name: K }>['code'];
};
