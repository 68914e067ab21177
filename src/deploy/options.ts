import { parseArchiveTarget } from '../processor/archive/target.js';
import type { ServiceName } from './layout.js';
import { DEFAULT_GRAFANA, type GrafanaArtifact } from './monitoring.js';

/** Where the host is and how to reach it over SSH. The AWS deploy passes the instance's address, key and pinned host key. */
export interface HostTarget {
  /** Address (or name) of the host. */
  host: string;
  user: string;
  /** SSH port (22). */
  port: number;
  /** Private key file (`ssh -i`); without one, ssh's own defaults and agent apply. */
  identityFile?: string;
  /**
   * The host's key as a known_hosts line ("host keytype base64"), when known out of band (the AWS deploy
   * reads it from the instance's console output). Without it the first contact trusts and records the key.
   */
  knownHostsLine?: string;
}

/** What to run on the host; every field has a default in {@link resolveDeployOptions}. */
export interface DeployOptions {
  /** The stack's name: the local record `.citystream/stacks/<name>.json`. */
  stack: string;
  /** embedded: the citystream-broker unit; external: `brokers` names a Kafka (MSK, Confluent, …). */
  kafka: 'embedded' | 'external';
  /** Bootstrap brokers of an external Kafka. */
  brokers: string[];
  /** embedded: dynalite as the citystream-dynamodb unit; aws: DynamoDB in `region` (standard credential chain). */
  dynamodb: 'embedded' | 'aws';
  region: string;
  /** DynamoDB endpoint override for `dynamodb: aws`. */
  endpoint?: string;
  prefix: string;
  producer: boolean;
  /** Events per second of the producer unit. */
  rate: number;
  ports: DeployPorts;
  /** Address the embedded broker listens on. */
  brokerListen: string;
  /** Address the embedded broker advertises to clients (default: the host's address). */
  brokerAdvertised: string;
  /** Runtime secrets (name → value) for the environment file; never in argv, a record or a log. */
  secrets: Record<string, string>;
  /** How long deploy waits for the services to become healthy. */
  healthTimeoutMs: number;
  /**
   * A command each unit's ExecStart runs the service through (`/usr/local/bin/citystream-with-secrets`
   * on AWS: it exports the API token read with the instance profile, then execs); empty: none.
   */
  execPrefix: string;
  /** Prometheus and Grafana on the host too (127.0.0.1 only): the citystream-prometheus and -grafana units. */
  monitoring: boolean;
  /** The Grafana tarball to install (default: the pinned release; a mirror passes its own URL and checksum). */
  grafana: GrafanaArtifact;
  /**
   * The processor's raw archive (`process --archive`), as a parsed target's URL: `file:///dir` on the
   * host (created for the citystream user, writable through its unit's sandbox) or `s3://bucket/prefix`
   * (the host's own AWS credential chain). Undefined: no archive.
   */
  archive?: string;
}

export interface DeployPorts {
  api: number;
  broker: number;
  dynamo: number;
  processorMetrics: number;
  producerMetrics: number;
  /** Prometheus, on 127.0.0.1 of the host (with --monitoring). */
  prometheus: number;
  /** Grafana, on 127.0.0.1 of the host (with --monitoring). */
  grafana: number;
}

export const DEFAULT_PORTS: DeployPorts = {
  api: 8082,
  broker: 9092,
  dynamo: 8000,
  processorMetrics: 9464,
  producerMetrics: 9465,
  prometheus: 9090,
  grafana: 3000,
};

/** What a caller may give: any option, and any subset of the ports. */
export type DeployOptionsGiven = Partial<Omit<DeployOptions, 'ports'>> & { ports?: Partial<DeployPorts> };

export function resolveDeployOptions(
  target: Pick<HostTarget, 'host'>,
  given: DeployOptionsGiven,
): DeployOptions {
  const kafka = given.kafka ?? (given.brokers && given.brokers.length > 0 ? 'external' : 'embedded');
  return {
    stack: given.stack ?? 'default',
    kafka,
    brokers: given.brokers ?? [],
    dynamodb: given.dynamodb ?? 'embedded',
    region: given.region ?? 'us-east-2',
    endpoint: given.endpoint,
    prefix: given.prefix ?? 'citystream-',
    producer: given.producer ?? true,
    rate: given.rate ?? 5,
    ports: { ...DEFAULT_PORTS, ...given.ports },
    brokerListen: given.brokerListen ?? '0.0.0.0',
    brokerAdvertised: given.brokerAdvertised ?? target.host,
    secrets: given.secrets ?? {},
    healthTimeoutMs: given.healthTimeoutMs ?? 90_000,
    execPrefix: given.execPrefix ?? '',
    monitoring: given.monitoring ?? false,
    grafana: given.grafana ?? DEFAULT_GRAFANA,
    archive: given.archive,
  };
}

/** The host directory a `file://` archive writes, or undefined (no archive, or one in S3). */
export function archiveDirectory(options: Pick<DeployOptions, 'archive'>): string | undefined {
  if (options.archive === undefined) return undefined;
  const target = parseArchiveTarget(options.archive);
  return target.kind === 'file' ? target.root : undefined;
}

/** The services these options run, in start order. */
export function wantedServices(
  options: Pick<DeployOptions, 'kafka' | 'dynamodb' | 'producer' | 'monitoring'>,
): ServiceName[] {
  const services: ServiceName[] = [];
  if (options.kafka === 'embedded') services.push('broker');
  if (options.dynamodb === 'embedded') services.push('dynamodb');
  services.push('processor', 'api');
  if (options.producer) services.push('producer');
  if (options.monitoring) services.push('prometheus', 'grafana');
  return services;
}

/** The port each service listens on (metrics included), for the host's "port in use" check. */
export function servicePorts(options: Pick<DeployOptions, 'ports'>): Record<ServiceName, number> {
  return {
    broker: options.ports.broker,
    dynamodb: options.ports.dynamo,
    processor: options.ports.processorMetrics,
    api: options.ports.api,
    producer: options.ports.producerMetrics,
    prometheus: options.ports.prometheus,
    grafana: options.ports.grafana,
  };
}
