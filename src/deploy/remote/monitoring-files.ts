import { readdirSync } from 'node:fs';
import { HOST_LAYOUT, unitPath, type HostLayout, type ServiceName } from '../layout.js';
import { grafanaInstallDir, MONITORING_LAYOUT, type MonitoringLayout } from '../monitoring.js';
import type { DeployOptions } from '../options.js';
import type { HostFile } from './files.js';
import { readTemplate, renderTemplateFile, TEMPLATES_DIR } from './render.js';

/**
 * The files of `deploy --monitoring`: the two units, Prometheus's scrape config (the stack's /metrics ports
 * on 127.0.0.1 of the host) and rules, Grafana's configuration, its provisioned datasource and the
 * dashboards. Rendered from templates/ (systemd/, prometheus/, grafana/) with fixed variables; the rules
 * and dashboards are copied as they are, since `{{…}}` in them is Prometheus's and Grafana's own syntax.
 * Names are unique by basename (the rollback directory keeps copies by basename).
 */
export function monitoringFiles(
  options: DeployOptions,
  services: readonly ServiceName[],
  layout: HostLayout = HOST_LAYOUT,
  mon: MonitoringLayout = MONITORING_LAYOUT,
): HostFile[] {
  const config = (path: string, content: string, affects: ServiceName): HostFile => ({
    path,
    mode: '0640',
    owner: 'root',
    group: mon.user,
    content,
    secret: false,
    affects: [affects],
  });
  const unit = (service: 'prometheus' | 'grafana', content: string): HostFile => ({
    path: unitPath(service, layout),
    mode: '0644',
    owner: 'root',
    group: 'root',
    content,
    secret: false,
    affects: [service],
  });
  const dashboards = dashboardNames().map((name) =>
    config(`${mon.dashboardsDir}/${name}`, readTemplate(`grafana/dashboards/${name}`), 'grafana'),
  );
  return [
    config(mon.prometheusConfig, renderScrapeConfig(options, services, mon), 'prometheus'),
    config(mon.prometheusRules, readTemplate('prometheus/rules.yml'), 'prometheus'),
    unit('prometheus', renderPrometheusUnit(options, mon)),
    config(mon.grafanaIni, renderGrafanaIni(options, mon), 'grafana'),
    config(
      `${mon.provisioningDir}/datasources/citystream-datasource.yml`,
      renderTemplateFile('grafana/provisioning/datasources/prometheus.yml', {
        prometheus_url: `http://127.0.0.1:${options.ports.prometheus}`,
      }),
      'grafana',
    ),
    config(
      `${mon.provisioningDir}/dashboards/citystream-dashboards.yml`,
      renderTemplateFile('grafana/provisioning/dashboards/citystream.yml', {
        dashboards_dir: mon.dashboardsDir,
      }),
      'grafana',
    ),
    ...dashboards,
    unit('grafana', renderGrafanaUnit(options, mon)),
  ];
}

/** The scrape config: each service's /metrics on 127.0.0.1 of the host, only for units that run. */
export function renderScrapeConfig(
  options: DeployOptions,
  services: readonly ServiceName[],
  mon: MonitoringLayout = MONITORING_LAYOUT,
): string {
  const on = (service: ServiceName, port: number) =>
    JSON.stringify(services.includes(service) ? [`127.0.0.1:${port}`] : []);
  return renderTemplateFile('prometheus/prometheus.yml', {
    scrape_interval: '15s',
    processor_targets: on('processor', options.ports.processorMetrics),
    api_targets: on('api', options.ports.api),
    producer_targets: on('producer', options.ports.producerMetrics),
    rules_file: JSON.stringify(mon.prometheusRules),
  });
}

function renderPrometheusUnit(options: DeployOptions, mon: MonitoringLayout): string {
  return renderTemplateFile('systemd/citystream-prometheus.service', {
    user: mon.user,
    data_dir: mon.dataDir,
    prometheus_bin: mon.prometheusBin,
    config_file: mon.prometheusConfig,
    tsdb_dir: mon.prometheusData,
    prometheus_port: String(options.ports.prometheus),
  });
}

function renderGrafanaUnit(options: DeployOptions, mon: MonitoringLayout): string {
  return renderTemplateFile('systemd/citystream-grafana.service', {
    user: mon.user,
    data_dir: mon.dataDir,
    grafana_dir: grafanaInstallDir(options.grafana, mon),
    grafana_ini: mon.grafanaIni,
  });
}

/** grafana.ini: 127.0.0.1 only; the admin password and secret key are read from files on the host. */
export function renderGrafanaIni(options: DeployOptions, mon: MonitoringLayout = MONITORING_LAYOUT): string {
  return renderTemplateFile('grafana/grafana.ini', {
    grafana_port: String(options.ports.grafana),
    data_dir: mon.grafanaData,
    logs_dir: `${mon.grafanaData}/log`,
    plugins_dir: `${mon.grafanaData}/plugins`,
    provisioning_dir: mon.provisioningDir,
    // Grafana's own file expansion: the values never pass through the deploy.
    admin_password: `$__file{${mon.adminPasswordFile}}`,
    secret_key: `$__file{${mon.secretKeyFile}}`,
  });
}

let dashboardList: string[] | undefined;

/** The dashboards under templates/grafana/dashboards (part of the package; read once). */
function dashboardNames(): string[] {
  dashboardList ??= readdirSync(`${TEMPLATES_DIR}grafana/dashboards`)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return dashboardList;
}
