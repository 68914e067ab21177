/**
 * Read throughput of the REST API on the embedded stack: load a data set through the pipeline's own
 * writers into the embedded DynamoDB (dynalite, as `citystream up` runs it), then drive each endpoint with
 * 32 concurrent keep-alive HTTP clients on loopback (autocannon) and report requests/s and latency.
 * Each list endpoint is driven twice: every connection asking for the same document (the API shares a
 * read in flight among identical requests), and each connection asking for a document of its own (a
 * different `limit`), where no read is shared and every request pays for its own Queries.
 * Two data sets, equal at the head and differing only in how many days of history sit behind it:
 * the last `headHours` at `headRate` events/s, then `historyRate` events/s back to `days` days ago.
 * With `--before DIR` (a checkout of an earlier src/ under DIR), the same endpoints are driven against
 * that version's API too, on the same tables, side by side.
 *
 *   npx tsx bench/reads.ts [--days 1,30] [--head-hours 2] [--head-rate 5] [--history-rate 0.01]
 *                          [--duration 5] [--connections 32] [--before DIR [--before-last]] [--record]
 */
import { rmSync } from 'node:fs';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../src/clients/dynamodb.js';
import { startEmbeddedDynamo } from '../src/clients/embedded-dynamodb.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { EVENT_TYPES, type CityEvent, type Severity } from '../src/events/event.js';
import { tableNames } from '../src/store/table-definitions.js';
import { createTables } from '../src/store/tables.js';
import { writeThroughWriters } from '../test/queries/writer-fixture.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const DAYS = opt('days', '1,30').split(',').map(Number);
const HEAD_HOURS = Number(opt('head-hours', '2'));
const HEAD_RATE = Number(opt('head-rate', '5'));
const HISTORY_RATE = Number(opt('history-rate', '0.01'));
const DURATION = Number(opt('duration', '5'));
const CONNECTIONS = Number(opt('connections', '32'));
const BEFORE = args.includes('--before') ? resolve(opt('before', '')) : undefined;
const record = args.includes('--record');
const run = promisify(execFile);

const ENDPOINTS = [
  '/stats',
  '/cities',
  '/summary/NYC',
  '/aggregations',
  '/aggregations?city=NYC',
  '/events/NYC?limit=20',
  '/alerts?city=Chicago&hours=24',
  '/alerts?hours=24',
];

const CITIES = ['NYC', 'LA', 'Chicago', 'SF', 'Boston', 'Seattle'];
// A third of the events are alerts (high or critical), as with the generator's realistic mix.
const SEVERITY_CYCLE: Severity[] = ['low', 'medium', 'low', 'high', 'medium', 'critical'];

/** Events from now back: the head at HEAD_RATE, then history at HISTORY_RATE back to `days` ago. */
function dataSet(now: Date, days: number): CityEvent[] {
  const events: CityEvent[] = [];
  const headMs = HEAD_HOURS * 3_600_000;
  const push = (ms: number) => {
    const i = events.length;
    events.push({
      event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      city: CITIES[i % CITIES.length]!,
      event_type: EVENT_TYPES[Math.floor(i / CITIES.length) % EVENT_TYPES.length]!,
      severity: SEVERITY_CYCLE[Math.floor(i / 7) % SEVERITY_CYCLE.length]!,
      timestamp: new Date(ms).toISOString(),
      description: `bench event ${i} with a description of a typical length for a city feed`,
      location: { lat: 40.7 + (i % 100) / 1000, lon: -74 + (i % 100) / 1000 },
      source: 'bench',
    });
  };
  for (let ago = 500; ago < headMs; ago += 1000 / HEAD_RATE) push(now.getTime() - ago);
  for (let ago = headMs; ago < days * 86_400_000 - 3_600_000; ago += 1000 / HISTORY_RATE)
    push(now.getTime() - ago);
  return events;
}

interface Row {
  days: number;
  version: string;
  endpoint: string;
  /** `one URL`: every connection asks for the same document; `N distinct`: each for its own. */
  queries: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

type StartApi = (typeof import('../src/api/index.js'))['startApi'];

/** Endpoints whose documents differ by `limit`: driven a second time with a distinct query per connection. */
const LISTS = new Set([
  '/aggregations',
  '/aggregations?city=NYC',
  '/events/NYC?limit=20',
  '/alerts?city=Chicago&hours=24',
  '/alerts?hours=24',
]);

/** `connections` variants of a list endpoint, each asking for a different page size (20, 21, …). */
function distinctPaths(endpoint: string): string[] {
  const [path, query = ''] = endpoint.split('?');
  return Array.from({ length: CONNECTIONS }, (_, i) => {
    const params = new URLSearchParams(query);
    params.set('limit', String(20 + i));
    return `/api/v1${path}?${params.toString()}`;
  });
}

/** The load generator (bench/support/read-load.ts) in its own process, so it does not share the API's event loop. */
async function drive(
  origin: string,
  paths: string[],
): Promise<Omit<Row, 'days' | 'version' | 'endpoint' | 'queries'>> {
  const script = fileURLToPath(new URL('./support/read-load.ts', import.meta.url));
  const spec = { origin, paths, connections: CONNECTIONS, duration: DURATION };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, JSON.stringify(spec)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

async function measure(
  version: string,
  startApi: StartApi,
  client: DynamoDBClient,
  prefix: string,
  days: number,
): Promise<Row[]> {
  const api = await startApi({ client, config: { prefix, ttlDays: 30 }, host: '127.0.0.1', port: 0 });
  const rows: Row[] = [];
  try {
    for (const endpoint of ENDPOINTS) {
      const variants: Array<[Row['queries'], string[]]> = [['one URL', [`/api/v1${endpoint}`]]];
      if (LISTS.has(endpoint)) variants.push([`${CONNECTIONS} distinct`, distinctPaths(endpoint)]);
      for (const [queries, paths] of variants) {
        for (const path of new Set([paths[0]!, paths.at(-1)!])) {
          const res = await fetch(`${api.url}${path}`);
          if (res.status !== 200) throw new Error(`${version} ${path}: ${res.status} ${await res.text()}`);
        }
        rows.push({ days, version, endpoint, queries, ...(await drive(api.url, paths)) });
        const r = rows.at(-1)!;
        console.error(
          `${days}d ${version} ${endpoint} (${queries}): ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms`,
        );
      }
    }
  } finally {
    await api.close();
  }
  return rows;
}

async function bench(): Promise<Row[]> {
  const versions: Array<[string, StartApi]> = [
    ['this branch', (await import('../src/api/index.js')).startApi],
  ];
  if (BEFORE) {
    const before = (await import(join(BEFORE, 'src/api/index.ts'))) as { startApi: StartApi };
    // The version measured second meets a store that has been read hard for a while: --before-last
    // swaps the order, to see how much of a difference is order rather than code.
    if (args.includes('--before-last')) versions.push(['before', before.startApi]);
    else versions.unshift(['before', before.startApi]);
  }
  const rows: Row[] = [];
  const dirs: string[] = [];
  process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  for (const days of DAYS) {
    const dataDir = await mkdtemp(join(tmpdir(), 'citystream-bench-reads-'));
    const dynamo = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir });
    const config = resolveConfig({ flags: { target: 'local', endpoint: dynamo.endpoint }, env: {} }).values;
    const client = createDynamoClient(config);
    try {
      const prefix = 'bench-';
      await createTables(client, { prefix, billing: { mode: 'on-demand' }, pollMs: 20 });
      const now = new Date();
      const events = dataSet(now, days);
      const started = Date.now();
      await writeThroughWriters(client, tableNames(prefix), events, now);
      console.error(
        `${days}d: loaded ${events.length} events in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
      for (const [version, startApi] of versions)
        rows.push(...(await measure(version, startApi, client, prefix, days)));
    } finally {
      // dynalite is left open until the process exits: queries the load generator abandoned may still
      // be reading its store, and closing it under them throws from inside dynalite.
      client.destroy();
      dirs.push(dataDir);
      void dynamo;
    }
  }
  return rows;
}

const rows = await bench();
const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const header = [
  '',
  `### Reads (bench/reads.ts), ${new Date().toISOString().slice(0, 16)}Z`,
  '',
  `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, embedded DynamoDB ` +
    `(dynalite) in its own process, as \`up\` runs it; ${CONNECTIONS} keep-alive connections, ${DURATION} s per ` +
    `endpoint; data: the last ${HEAD_HOURS} h at ${HEAD_RATE} events/s, then ${HISTORY_RATE} events/s back ` +
    `to ${DAYS.join(' or ')} days. Load average at the end: ${load} (shared machine).`,
  '',
  '| history | endpoint | queries | version | req/s | p50 ms | p99 ms | non-2xx |',
  '| ------: | -------- | ------- | ------- | ----: | -----: | -----: | ------: |',
];
const lines = [
  ...header,
  ...rows.map(
    (r) =>
      `| ${r.days} d | \`${r.endpoint}\` | ${r.queries} | ${r.version} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} |`,
  ),
];
console.log(lines.join('\n'));
if (record) await appendFile(new URL('./RESULTS.md', import.meta.url), `${lines.join('\n')}\n`);
process.exit(0);
