import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiMetrics } from '../../src/api/api-metrics.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { ClickstreamMetrics } from '../../src/processor/clickstream/click-metrics.js';
import { serveMetrics } from '../../src/clients/metrics-server.js';
import { ProcessorMetrics } from '../../src/processor/metrics.js';
import { startPipelineProcessor } from '../../src/processor/start-processor.js';
import { EventGenerator, steppedClock } from '../../src/events/generator.js';
import { renderPrometheusConfig, TEMPLATES_DIR } from '../../src/stack/monitoring.js';
import { freePort } from '../support/free-port.js';
import { startTestBroker, type TestBroker } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import { sendAll } from '../e2e/pipeline-stack.js';

/**
 * The monitoring templates against the real tools: promtool checks the rendered config and the rules, a
 * real Prometheus scrapes a running processor and answers a PromQL query with its processed count, and
 * every metric a dashboard or rule names is exported by some citystream service.
 */
const run = promisify(execFile);
const RULES = path.join(TEMPLATES_DIR, 'prometheus/rules.yml');

describe('monitoring templates', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'citystream-prom-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('passes promtool check config and check rules', async () => {
    const file = path.join(dir, 'check.yml');
    await writeFile(
      file,
      await renderPrometheusConfig({
        processor: ['127.0.0.1:9464'],
        api: ['127.0.0.1:8082'],
        producer: ['127.0.0.1:9465'],
        rulesFile: RULES,
      }),
    );
    const config = await run('promtool', ['check', 'config', file]);
    expect(config.stdout + config.stderr).toMatch(/SUCCESS/);
    const rules = await run('promtool', ['check', 'rules', RULES]);
    expect(rules.stdout + rules.stderr).toMatch(/SUCCESS: 4 rules found/);
  });

  it('names only metrics that some service exports', async () => {
    const processor = new ProcessorMetrics();
    new ClickstreamMetrics(processor);
    const exported = new Set([
      ...(await processor.registry.getMetricsAsJSON()).map((m) => m.name),
      ...(await apiMetrics().registry.getMetricsAsJSON()).map((m) => m.name),
      'up',
    ]);
    const texts = [await readFile(RULES, 'utf8')];
    const dashboards = path.join(TEMPLATES_DIR, 'grafana/dashboards');
    for (const f of await readdir(dashboards)) texts.push(await readFile(path.join(dashboards, f), 'utf8'));
    const named = new Set(
      texts.flatMap((t) =>
        [...t.matchAll(/\b(citystream_[a-z_]+|up)\b(?=\s*[{[)\s>=]|$)/g)].map((m) => m[1]!),
      ),
    );
    const base = (n: string) => n.replace(/_(bucket|sum|count)$/, '');
    const missing = [...named].filter((n) => !exported.has(n) && !exported.has(base(n)));
    expect(named.size).toBeGreaterThan(12);
    expect(missing).toEqual([]);
    // Every dashboard panel uses the provisioned datasource by its fixed uid.
    const datasource = await readFile(
      path.join(TEMPLATES_DIR, 'grafana/provisioning/datasources/prometheus.yml'),
      'utf8',
    );
    expect(datasource).toMatch(/uid: citystream-prometheus/);
    for (const text of texts.slice(1)) {
      const dash = JSON.parse(text) as { panels: Array<{ datasource: { uid: string } }> };
      for (const p of dash.panels) expect(p.datasource.uid).toBe('citystream-prometheus');
    }
  });

  describe('a real Prometheus', () => {
    let broker: TestBroker;
    let prometheus: ChildProcess | undefined;
    beforeAll(async () => {
      broker = await startTestBroker({ partitions: 2 });
    });
    afterAll(async () => {
      prometheus?.kill('SIGKILL');
      await broker?.close();
    });

    it(
      'scrapes a running processor and answers PromQL with the processed count',
      { timeout: 120_000 },
      async () => {
        const events = new EventGenerator({
          seed: 'prom',
          clock: steppedClock(Date.parse('2026-11-22T12:00:00Z'), 1000),
        })
          .take(250)
          .map((m) => ({ key: m.key, value: m.value }));
        await sendAll(broker.kafka, 'city-events', events);
        const metrics = new ProcessorMetrics();
        const config = resolveConfig({
          flags: { brokers: [broker.bootstrap], partitions: 2 },
          env: {},
        }).values;
        const running = await startPipelineProcessor(config, { sink: 'none', metrics });
        const server = await serveMetrics(metrics, 0);
        try {
          await waitFor(
            'the processor to consume the stream',
            () => running.processor.totals.consumed === 250,
          );
          const port = await freePort();
          const file = path.join(dir, 'prometheus.yml');
          await writeFile(
            file,
            await renderPrometheusConfig({
              scrapeInterval: '1s',
              processor: [new URL(server.url).host],
              api: [],
              producer: [],
              rulesFile: RULES,
            }),
          );
          prometheus = spawn(
            'prometheus',
            [
              `--config.file=${file}`,
              `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
              `--web.listen-address=127.0.0.1:${port}`,
            ],
            { stdio: 'ignore' },
          );
          const value = await waitFor(
            'Prometheus to have scraped the processed count',
            async () => {
              const q = encodeURIComponent('sum(citystream_events_in_total{job="citystream-processor"})');
              const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${q}`).catch(
                () => undefined,
              );
              if (!res?.ok) return undefined;
              const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
              return body.data.result[0]?.value[1];
            },
            60_000,
            200,
          );
          expect(Number(value)).toBe(250);
        } finally {
          await server.close();
          await running.stop();
        }
      },
    );
  });
});
