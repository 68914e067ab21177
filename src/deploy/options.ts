import type { ServiceName } from './layout.js';

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
}

export interface DeployPorts {
  api: number;
  broker: number;
  dynamo: number;
  processorMetrics: number;
  producerMetrics: number;
}

export const DEFAULT_PORTS: DeployPorts = {
  api: 8082,
  broker: 9092,
  dynamo: 8000,
  processorMetrics: 9464,
  producerMetrics: 9465,
};

export function resolveDeployOptions(
  target: Pick<HostTarget, 'host'>,
  given: Partial<DeployOptions>,
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
  };
}

/** The services these options run, in start order. */
export function wantedServices(
  options: Pick<DeployOptions, 'kafka' | 'dynamodb' | 'producer'>,
): ServiceName[] {
  const services: ServiceName[] = [];
  if (options.kafka === 'embedded') services.push('broker');
  if (options.dynamodb === 'embedded') services.push('dynamodb');
  services.push('processor', 'api');
  if (options.producer) services.push('producer');
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
  };
}
