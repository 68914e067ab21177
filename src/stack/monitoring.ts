import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Renders the monitoring templates (templates/prometheus, templates/grafana) from a fixed set of
 * variables: `{{name}}` is replaced, nothing else is evaluated (Prometheus's own `{{ $labels.x }}` in the
 * alert rules has spaces and stays as it is). An unknown or missing variable is an error, not a blank.
 */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export function renderTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{([a-z_]+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template variable ${name} has no value`);
    return value;
  });
}

export interface PrometheusTargets {
  scrapeInterval?: string;
  processor: string[];
  api: string[];
  producer: string[];
  rulesFile: string;
}

export async function renderPrometheusConfig(t: PrometheusTargets): Promise<string> {
  const text = await readFile(`${TEMPLATES_DIR}prometheus/prometheus.yml`, 'utf8');
  const list = (targets: string[]) => JSON.stringify(targets);
  return renderTemplate(text, {
    scrape_interval: t.scrapeInterval ?? '15s',
    processor_targets: list(t.processor),
    api_targets: list(t.api),
    producer_targets: list(t.producer),
    rules_file: JSON.stringify(t.rulesFile),
  });
}
