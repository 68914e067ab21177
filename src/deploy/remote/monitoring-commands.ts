import { HOST_LAYOUT, type HostLayout } from '../layout.js';
import {
  grafanaInstallDir,
  MONITORING_LAYOUT,
  type GrafanaArtifact,
  type MonitoringLayout,
} from '../monitoring.js';
import type { RemoteStep } from './commands.js';
import { renderTemplateFile } from './render.js';
import { quote } from './shell.js';

/** The host steps of `deploy --monitoring`, pure like the others in commands.ts. */

/** The monitoring user and directories, and the Grafana secrets generated on the host (idempotent). */
export function setupMonitoringStep(mon: MonitoringLayout = MONITORING_LAYOUT): RemoteStep {
  const script = renderTemplateFile('host/setup-monitoring.sh', {
    user: mon.user,
    etc_dir: mon.etcDir,
    grafana_etc: mon.grafanaEtc,
    provisioning_dir: mon.provisioningDir,
    dashboards_dir: mon.dashboardsDir,
    data_dir: mon.dataDir,
    prometheus_data: mon.prometheusData,
    grafana_data: mon.grafanaData,
    grafana_installs: mon.grafanaInstalls,
    admin_password_file: mon.adminPasswordFile,
    secret_key_file: mon.secretKeyFile,
  });
  return { title: 'create the monitoring user and directories, and the Grafana secrets', script };
}

/** Debian's prometheus package, for its binary (apt-get; the package's own unit kept from running). */
export function installPrometheusStep(mon: MonitoringLayout = MONITORING_LAYOUT): RemoteStep {
  const script = renderTemplateFile('host/install-prometheus.sh', {
    prometheus_bin: mon.prometheusBin,
    debian_unit: mon.debianPrometheusUnit,
  });
  return { title: "install Prometheus (Debian's package)", script, timeoutMs: 600_000 };
}

/** Fetches the Grafana tarball on the host, checks its SHA-256, unpacks it into its own directory. */
export function installGrafanaStep(
  artifact: GrafanaArtifact,
  layout: HostLayout = HOST_LAYOUT,
  mon: MonitoringLayout = MONITORING_LAYOUT,
): RemoteStep {
  const script = renderTemplateFile('host/install-grafana.sh', {
    grafana_url: quote(artifact.url),
    grafana_checksum: artifact.sha256,
    grafana_dir: grafanaInstallDir(artifact, mon),
    upload_dir: layout.uploadDir,
  });
  return { title: `install Grafana (sha256 ${artifact.sha256.slice(0, 12)}…)`, script, timeoutMs: 900_000 };
}

/** Where the health probe and status ask Prometheus and Grafana whether they are up. */
export function monitoringProbes(ports: { prometheus: number; grafana: number }): Array<{
  name: 'prometheus' | 'grafana';
  url: string;
}> {
  return [
    { name: 'prometheus', url: `http://127.0.0.1:${ports.prometheus}/-/ready` },
    { name: 'grafana', url: `http://127.0.0.1:${ports.grafana}/api/health` },
  ];
}
