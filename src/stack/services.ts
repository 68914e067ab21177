import { LiveBus } from '../processor/live-bus.js';
import type { ProcessorMetrics } from '../processor/metrics.js';
import type { GroupJoin, Processor } from '../processor/processor.js';
import { apiService } from './api-service.js';
import { archiveService, type ArchiveStarter } from './archive-service.js';
import {
  clickProcessorService,
  clickProducerService,
  embeddedPostgresService,
  externalPostgresService,
  migrationsService,
} from './clickstream-services.js';
import { embeddedDynamoService, existingDynamoService, tablesService } from './dynamo-services.js';
import { brokerService, existingKafkaService } from './kafka-services.js';
import { processorService, producerService } from './pipeline-services.js';
import type { StackService } from './stack.js';

/**
 * The services of `citystream up`, each a small adapter from a component to the stack's lifecycle (one file
 * per part: Kafka, DynamoDB, the API, the pipeline, the clickstream, the archive), and the one list that
 * orders them. Later services use what earlier ones published in the state. Stopping
 * runs in reverse: the producer stops sending, the processor finishes and commits its batches, the API
 * finishes its requests, and the broker syncs its log, so nothing acknowledged is lost and `up` again
 * resumes from the committed offsets.
 */

export interface LocalStackOptions {
  /** Events per second of the synthetic producer; undefined starts none. */
  producerRate?: number;
  /** Use the configured brokers (given with --brokers) instead of starting the embedded broker. */
  existingKafka?: boolean;
  /** Use the configured endpoint (given with --endpoint) instead of starting the embedded DynamoDB. */
  existingDynamo?: boolean;
  /** Start no processor (default: start one). */
  processor?: boolean;
  /** Told about the processor once it runs (for the console view) and each time it joins the group. */
  onProcessor?: (processor: Processor) => void;
  onGroupJoin?: (join: GroupJoin) => void;
  apiLog?: (line: string) => void;
  reportBug?: (err: unknown) => void;
  /** Called with a service's name; returns what to do when it fails after starting. */
  onFailure?: (what: string) => (err: unknown) => void;
  metrics?: ProcessorMetrics;
  /** `--archive`: the raw archive beside the processor (none without a processor). */
  archive?: ArchiveStarter;
}

export interface ClickstreamStackOptions {
  /** Events per second of the synthetic clickstream producer; undefined starts none. */
  producerRate?: number;
  /**
   * The embedded PostgreSQL's port; undefined uses the PostgreSQL that --pg-url or --pg-secret name
   * (in the config) instead of starting one.
   */
  embeddedPostgresPort?: number;
  postgresLog?: (line: string) => void;
  apiLog?: (line: string) => void;
  reportBug?: (err: unknown) => void;
  onFailure?: (what: string) => (err: unknown) => void;
  /** `--archive`: the raw archive beside the clickstream processor. */
  archive?: ArchiveStarter;
}

/**
 * The clickstream's local stack, in start order: PostgreSQL (embedded, or the one configured), its
 * migrations, the broker, the API (answering /clickstream/… from PostgreSQL), the clickstream processor
 * and its producer. The config is already the clickstream's (topic, group, window: clickstreamConfig).
 */
export function clickstreamStackServices(options: ClickstreamStackOptions = {}): StackService[] {
  return [
    options.embeddedPostgresPort === undefined
      ? externalPostgresService()
      : embeddedPostgresService(options.embeddedPostgresPort, options.postgresLog),
    migrationsService(),
    brokerService(),
    apiService({ log: options.apiLog, reportBug: options.reportBug }),
    clickProcessorService(options.onFailure?.('clickstream processor')),
    ...(options.archive ? [archiveService(options.archive, options.onFailure?.('archive'))] : []),
    ...(options.producerRate === undefined
      ? []
      : [clickProducerService(options.producerRate, options.onFailure?.('clickstream producer'))]),
  ];
}

/** The local stack, in start order. */
export function localStackServices(options: LocalStackOptions = {}): StackService[] {
  // The processor publishes what it writes; the API in the same process streams it to the web console.
  const live = new LiveBus();
  const processor = processorService({
    metrics: options.metrics,
    onFailure: options.onFailure?.('processor'),
    onProcessor: options.onProcessor,
    onGroupJoin: options.onGroupJoin,
    live,
  });
  return [
    options.existingKafka ? existingKafkaService() : brokerService(),
    options.existingDynamo
      ? existingDynamoService()
      : embeddedDynamoService(undefined, options.onFailure?.('DynamoDB')),
    tablesService(),
    apiService({ log: options.apiLog, reportBug: options.reportBug, live }),
    ...(options.processor === false ? [] : [processor]),
    ...(options.archive && options.processor !== false
      ? [archiveService(options.archive, options.onFailure?.('archive'))]
      : []),
    ...(options.producerRate === undefined
      ? []
      : [producerService(options.producerRate, options.onFailure?.('producer'))]),
  ];
}
