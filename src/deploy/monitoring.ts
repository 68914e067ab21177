import { HOST_LAYOUT } from './layout.js';

/**
 * Where `deploy --monitoring` puts Prometheus and Grafana on a host. Fixed paths, as HOST_LAYOUT's, so
 * status, teardown and a later deploy find them without a record on the host; docs/deploy.md describes
 * each. Both run as their own system user, not `citystream`: they are web servers with their own attack
 * surface, and the services' environment file (group citystream) holds the stack's secrets.
 */
export const MONITORING_LAYOUT = {
  user: 'citystream-monitoring',
  etcDir: '/etc/citystream-monitoring',
  prometheusConfig: '/etc/citystream-monitoring/prometheus.yml',
  prometheusRules: '/etc/citystream-monitoring/prometheus-rules.yml',
  grafanaIni: '/etc/citystream-monitoring/grafana.ini',
  grafanaEtc: '/etc/citystream-monitoring/grafana',
  provisioningDir: '/etc/citystream-monitoring/grafana/provisioning',
  dashboardsDir: '/etc/citystream-monitoring/grafana/dashboards',
  /** Generated on the host by the setup step; never leaves it. */
  adminPasswordFile: '/etc/citystream-monitoring/grafana-admin-password',
  /** Grafana's key for the secrets it stores (its built-in default is public); generated on the host. */
  secretKeyFile: '/etc/citystream-monitoring/grafana-secret-key',
  dataDir: '/var/lib/citystream-monitoring',
  prometheusData: '/var/lib/citystream-monitoring/prometheus',
  grafanaData: '/var/lib/citystream-monitoring/grafana',
  /** One directory per Grafana tarball, named by its checksum (root, read only for the units). */
  grafanaInstalls: `${HOST_LAYOUT.root}/grafana`,
  /** Debian's prometheus package puts its binary here; citystream runs it as its own unit. */
  prometheusBin: '/usr/bin/prometheus',
  /** The unit of Debian's package, which listens on every interface: kept from running. */
  debianPrometheusUnit: 'prometheus.service',
} as const;

export type MonitoringLayout = { readonly [K in keyof typeof MONITORING_LAYOUT]: string };

/** What `citystream tunnel` reaches on the host. */
export const TUNNEL_SERVICES = ['grafana', 'prometheus'] as const;
export type TunnelService = (typeof TUNNEL_SERVICES)[number];

export function isTunnelService(name: string): name is TunnelService {
  return (TUNNEL_SERVICES as readonly string[]).includes(name);
}

/** The Grafana release tarball a deploy installs: fetched by the host, checked against `sha256` first. */
export interface GrafanaArtifact {
  url: string;
  /** Lower-case hex SHA-256 of the tarball. */
  sha256: string;
}

/**
 * The pinned Grafana: the OSS release tarball for linux-amd64 from dl.grafana.com and its published
 * SHA-256. A host of another architecture, or a mirror, passes --grafana-tarball and --grafana-sha256.
 * To move to a newer Grafana, change all three fields and the docs' table together.
 */
export const PINNED_GRAFANA = {
  version: '13.2.3',
  arch: 'x86_64',
  url: 'https://dl.grafana.com/grafana/release/13.2.3/grafana_13.2.3_36482603486_linux_amd64.tar.gz',
  sha256: '6107ad27016296aac38e0d7ffa8753ab540b5541ad27e94790f771289d733235',
} as const;

export const DEFAULT_GRAFANA: GrafanaArtifact = { url: PINNED_GRAFANA.url, sha256: PINNED_GRAFANA.sha256 };

export function isPinnedGrafana(artifact: GrafanaArtifact): boolean {
  return artifact.url === PINNED_GRAFANA.url && artifact.sha256 === PINNED_GRAFANA.sha256;
}

/** Where a tarball is unpacked: content-addressed, so a different tarball is a different directory. */
export function grafanaInstallDir(
  artifact: GrafanaArtifact,
  layout: MonitoringLayout = MONITORING_LAYOUT,
): string {
  return `${layout.grafanaInstalls}/${artifact.sha256.slice(0, 16)}`;
}

/** Why an artifact cannot be used, or undefined. The URL is in the host's process list: no credentials. */
export function grafanaArtifactProblem(artifact: GrafanaArtifact): string | undefined {
  if (!/^[0-9a-f]{64}$/.test(artifact.sha256))
    return `--grafana-sha256 must be 64 lower-case hex digits, got "${artifact.sha256}"`;
  let url: URL;
  try {
    url = new URL(artifact.url);
  } catch {
    return `--grafana-tarball is not a URL: "${artifact.url}"`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `--grafana-tarball must be an http(s) URL the host can fetch, got ${url.protocol}`;
  if (url.username !== '' || url.password !== '')
    return "--grafana-tarball must not carry credentials (the URL is visible in the host's process list)";
  if (/['\s]/.test(artifact.url)) return '--grafana-tarball must not contain quotes or spaces';
  return undefined;
}
