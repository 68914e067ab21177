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

export type HostLayout = typeof HOST_LAYOUT;

/** The services a deploy can run, in start order (stop order is the reverse). */
export const SERVICE_NAMES = ['broker', 'dynamodb', 'processor', 'api', 'producer'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function unitName(service: ServiceName): string {
  return `citystream-${service}`;
}

export function unitPath(service: ServiceName, layout: HostLayout = HOST_LAYOUT): string {
  return `${layout.unitDir}/${unitName(service)}.service`;
}

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}
