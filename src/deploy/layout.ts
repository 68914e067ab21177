/**
 * Where citystream lives on a deployed host. Fixed paths, so `status`, `logs`, `teardown` and a later
 * deploy find everything without a record on the host; docs/deploy.md describes each.
 */
export const HOST_LAYOUT = {
  root: '/opt/citystream',
  releases: '/opt/citystream/releases',
  current: '/opt/citystream/current',
  /** The upload staging area (root only). */
  uploadDir: '/opt/citystream/upload',
  /** Copies of the files a deploy overwrote, restored by a rollback (root only). */
  rollbackDir: '/opt/citystream/rollback',
  etcDir: '/etc/citystream',
  configFile: '/etc/citystream/citystream.config.json',
  envFile: '/etc/citystream/citystream.env',
  dataDir: '/var/lib/citystream',
  unitDir: '/etc/systemd/system',
  user: 'citystream',
} as const;

export type HostLayout = { readonly [K in keyof typeof HOST_LAYOUT]: string };

/** The services that run the citystream release (`current`), in start order. */
export const RELEASE_SERVICES = ['broker', 'dynamodb', 'processor', 'api', 'producer'] as const;
export type ReleaseService = (typeof RELEASE_SERVICES)[number];

/** The services of `deploy --monitoring`: they run their own binaries, not the release. */
export const MONITORING_SERVICES = ['prometheus', 'grafana'] as const;
export type MonitoringService = (typeof MONITORING_SERVICES)[number];

/** Every service a deploy can run, in start order (stop order is the reverse). */
export const SERVICE_NAMES = [...RELEASE_SERVICES, ...MONITORING_SERVICES] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function runsRelease(service: ServiceName): service is ReleaseService {
  return (RELEASE_SERVICES as readonly string[]).includes(service);
}

export function isMonitoringService(service: ServiceName): service is MonitoringService {
  return (MONITORING_SERVICES as readonly string[]).includes(service);
}

export function unitName(service: ServiceName): string {
  return `citystream-${service}`;
}

export function unitPath(service: ServiceName, layout: HostLayout = HOST_LAYOUT): string {
  return `${layout.unitDir}/${unitName(service)}.service`;
}

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}
