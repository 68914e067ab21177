import type { KafkaMode } from './stack-spec.js';

/**
 * What the AWS deploy needs from the SSH deploy (`deploy --host`): the AWS side creates the machine and
 * pins its host key, then hands over. The real implementation is the --host code path (wired in at
 * merge); tests use a recording fake.
 */

/** Settings the services on the host run with. None of them is a secret. */
export interface HostSettings {
  target: 'aws';
  region: string;
  /** Prefix of the stack's four tables (`citystream-demo-`). */
  tablePrefix: string;
  apiPort: number;
  /** The API listens on every interface; the security group limits who reaches it. */
  apiHost: '0.0.0.0';
  kafka: KafkaMode;
  /** Bootstrap brokers the services use (127.0.0.1:9092 when Kafka runs on the host). */
  brokers: string[];
  producer: boolean;
  rate: number;
  /** Secrets Manager secret with the runtime settings (`apiToken`, Kafka credentials). */
  secretId: string;
  /**
   * Prefix for each service's ExecStart: puts the secret's values (CITYSTREAM_API_TOKEN) into the
   * service's environment at start, read with the instance profile; nothing secret is rendered.
   */
  launcher: string;
  /** The processor's raw archive (`--archive`), or undefined. */
  archive?: string;
}

export interface HostTarget {
  host: string;
  user: string;
  port: number;
  /** The private key file (mode 0600). */
  identityFile: string;
  /** The pinned known_hosts line (`<host> ssh-ed25519 AAAA…`); never "accept any key". */
  hostKey: string;
  stack: string;
  settings: HostSettings;
}

export interface HostServiceState {
  name: string;
  /** systemd's ActiveState, e.g. active, failed, inactive. */
  state: string;
  detail?: string;
}

export interface HostDeployResult {
  release: string;
  services: HostServiceState[];
}

export interface HostDeployOptions {
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface HostDeployer {
  deploy(target: HostTarget, options?: HostDeployOptions): Promise<HostDeployResult>;
  status(target: HostTarget, options?: HostDeployOptions): Promise<HostServiceState[]>;
  /** The host commands a deploy would run, for --dry-run (optional). */
  describe?(target: HostTarget): string[];
}
