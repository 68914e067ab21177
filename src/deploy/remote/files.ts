import {
  HOST_LAYOUT,
  runsRelease,
  unitName,
  unitPath,
  type HostLayout,
  type ReleaseService,
  type ServiceName,
} from '../layout.js';
import { archiveDirectory, type DeployOptions } from '../options.js';
import { monitoringFiles } from './monitoring-files.js';
import { renderTemplateFile } from './render.js';

/** A file a deploy writes on the host. */
export interface HostFile {
  path: string;
  /** Octal, e.g. "0640". */
  mode: string;
  owner: string;
  group: string;
  content: string;
  /** Holds secrets: masked wherever it is shown. */
  secret: boolean;
  /** The services that must restart when this file changes. */
  affects: ServiceName[];
}

/** What the embedded services each need first (for After=/Wants=). */
const DEPENDS_ON: Record<ReleaseService, ReleaseService[]> = {
  broker: [],
  dynamodb: [],
  processor: ['broker', 'dynamodb'],
  api: ['dynamodb'],
  producer: ['broker'],
};

/** The systemd unit of one service, rendered from templates/systemd/<unit>.service. */
export function renderUnit(
  service: ReleaseService,
  options: DeployOptions,
  services: readonly ServiceName[],
  node: string,
  layout: HostLayout = HOST_LAYOUT,
): string {
  const after = DEPENDS_ON[service]
    .filter((s) => services.includes(s))
    .map((s) => `${unitName(s)}.service`)
    .join(' ');
  const common = {
    user: layout.user,
    env_file: layout.envFile,
    data_dir: layout.dataDir,
    exec_prefix: options.execPrefix === '' ? '' : `${options.execPrefix} `,
    node,
    current: layout.current,
    config_file: layout.configFile,
    after,
  };
  const specific: Record<ReleaseService, Record<string, string>> = {
    broker: {
      broker_host: options.brokerListen,
      broker_advertised_host: options.brokerAdvertised,
      broker_port: String(options.ports.broker),
    },
    dynamodb: { dynamo_port: String(options.ports.dynamo) },
    processor: {
      processor_metrics_port: String(options.ports.processorMetrics),
      // ProtectSystem=strict leaves only these writable: the data directory, and a file:// archive.
      writable_paths: [layout.dataDir, archiveDirectory(options)].filter((p) => p !== undefined).join(' '),
    },
    api: { api_port: String(options.ports.api) },
    producer: {
      producer_rate: String(options.rate),
      producer_metrics_port: String(options.ports.producerMetrics),
    },
  };
  return renderTemplateFile(`systemd/${unitName(service)}.service`, { ...common, ...specific[service] });
}

/**
 * citystream.config.json on the host: the settings every service shares (no secrets), read through
 * `--config`. Service-specific flags (ports, rate) are in the units, so changing one restarts one unit.
 */
export function renderConfig(options: DeployOptions, layout: HostLayout = HOST_LAYOUT): string {
  const brokers =
    options.kafka === 'embedded' ? [`${options.brokerAdvertised}:${options.ports.broker}`] : options.brokers;
  const dynamo =
    options.dynamodb === 'embedded'
      ? {
          target: 'local',
          endpoint: `http://127.0.0.1:${options.ports.dynamo}`,
          dynamoPort: options.ports.dynamo,
        }
      : {
          target: 'aws',
          region: options.region,
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        };
  const config = {
    ...dynamo,
    prefix: options.prefix,
    brokers,
    brokerPort: options.ports.broker,
    apiPort: options.ports.api,
    dataDir: layout.dataDir,
    ...(options.archive !== undefined ? { archive: options.archive } : {}),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * citystream.env: the services' environment (systemd EnvironmentFile, also valid sh for `set -a; .`).
 * Values are single-quoted, which both read literally; a value with a quote or a newline is refused.
 */
export function renderEnvFile(options: DeployOptions): string {
  const lines = [
    "# Written by `citystream deploy`: the services' environment. Mode 0640, root:citystream.",
    'NODE_ENV=production',
  ];
  if (options.dynamodb === 'aws') lines.push(`AWS_REGION=${options.region}`);
  for (const [name, value] of Object.entries(options.secrets).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${name}='${value}'`);
  }
  return `${lines.join('\n')}\n`;
}

/** Why a secret cannot go into the environment file, or undefined when it can. */
export function secretProblem(name: string, value: string): string | undefined {
  if (!ENV_NAME.test(name)) return `"${name}" is not an environment variable name`;
  if (/['\n\r\0]/.test(value)) return `the value of ${name} contains a quote or a line break`;
  return undefined;
}

/**
 * Every file a deploy writes, in write order: configuration first, then one unit per service, then (with
 * --monitoring) Prometheus's and Grafana's. The shared configuration concerns only the release's services.
 */
export function hostFiles(
  options: DeployOptions,
  services: readonly ServiceName[],
  node: string,
  layout: HostLayout = HOST_LAYOUT,
): HostFile[] {
  const release = services.filter(runsRelease);
  return [
    {
      path: layout.configFile,
      mode: '0640',
      owner: 'root',
      group: layout.user,
      content: renderConfig(options, layout),
      secret: false,
      affects: [...release],
    },
    {
      path: layout.envFile,
      mode: '0640',
      owner: 'root',
      group: layout.user,
      content: renderEnvFile(options),
      secret: Object.keys(options.secrets).length > 0,
      affects: [...release],
    },
    ...release.map((service) => ({
      path: unitPath(service, layout),
      mode: '0644',
      owner: 'root',
      group: 'root',
      content: renderUnit(service, options, services, node, layout),
      secret: false,
      affects: [service],
    })),
    ...(services.includes('prometheus') ? monitoringFiles(options, services, layout) : []),
  ];
}

/** A file's content for display: secret values replaced by ******. */
export function maskSecrets(content: string, secrets: Readonly<Record<string, string>>): string {
  let masked = content;
  for (const value of Object.values(secrets)) if (value !== '') masked = masked.split(value).join('******');
  return masked;
}
