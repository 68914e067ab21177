/**
 * Soak: `citystream up` under a steady load, watching memory (`npx tsx bench/soak.ts [minutes] [rate]`,
 * default 10 minutes at 1 000 events/s).
 *
 * Runs the built CLI (`dist/`, built first) as `up --rate <rate>` in its own process, with fresh data and
 * free ports, and 32 API readers in this process: plain HTTP clients on loopback, each with one request in
 * flight at a time (so the load is bounded), cycling through the read endpoints (recent events of a city
 * with limit 20 — the issue's `wrk` URL —, alerts, stats, cities). Every 10 s it records the RSS of every
 * process (`up`, each of its children — the embedded DynamoDB —, and this one) from /proc, the readers'
 * requests and errors, and the events stored (`/stats`). At the end: Ctrl-C (SIGINT) to `up`, and a check
 * that no child of it is left. Linux only (/proc).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port.js';
import { waitFor } from '../test/support/wait-for.js';

const MINUTES = Number(process.argv[2] ?? 10);
const RATE = Number(process.argv[3] ?? 1_000);
const READERS = 32;
const SAMPLE_MS = 10_000;
const CITIES = ['NYC', 'LA', 'Chicago', 'SF', 'Boston', 'Seattle'];
const root = new URL('..', import.meta.url).pathname;

function rssMb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined; // gone
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');

const dir = await mkdtemp(join(tmpdir(), 'citystream-soak-'));
const [apiPort, dynamoPort, brokerPort] = [await freePort(), await freePort(), await freePort()];
const up = spawn(
  process.execPath,
  [
    join(root, 'bin/citystream.js'),
    'up',
    '--rate',
    String(RATE),
    '--api-port',
    String(apiPort),
    '--dynamo-port',
    String(dynamoPort),
    '--broker-port',
    String(brokerPort),
    '--data-dir',
    dir,
  ],
  { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
);
let stderr = '';
up.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
const upExit = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));
await waitFor(
  'up to start',
  () => {
    if (up.exitCode !== null) throw new Error(`up exited: ${stderr}`);
    return stderr.includes('Press Ctrl-C');
  },
  120_000,
);
const upPid = up.pid!;

const agent = new Agent({ keepAlive: true, maxSockets: READERS });
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: apiPort, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const counters = { requests: 0, errors: 0 };
let running = true;
const paths = (n: number) => {
  const city = CITIES[n % CITIES.length]!;
  return [
    `/api/v1/events/${city}?limit=20`,
    `/api/v1/alerts?city=${city}&limit=20`,
    '/api/v1/stats',
    '/api/v1/cities',
  ];
};
const readers = Array.from({ length: READERS }, async (_, r) => {
  for (let n = r; running; n++) {
    const list = paths(n);
    const path = list[n % list.length]!;
    try {
      const { status } = await get(path);
      counters.requests += 1;
      if (status !== 200) counters.errors += 1;
    } catch {
      counters.errors += 1;
    }
  }
});

async function storedEvents(): Promise<number> {
  const { body } = await get('/api/v1/stats');
  return (JSON.parse(body) as { total_events?: number }).total_events ?? NaN;
}

interface Sample {
  t: number;
  rss: Record<string, number>;
  requests: number;
  errors: number;
  stored: number;
}
const samples: Sample[] = [];
const started = Date.now();
console.log(
  `up (pid ${upPid}) at ${RATE} events/s, ${READERS} readers, ${MINUTES} min; load ${loadavg()[0]?.toFixed(1)}`,
);
console.log('   t s |   up MB | dynamo MB |  bench MB | req/s | errors | stored events');
let lastRequests = 0;
while (Date.now() - started < MINUTES * 60_000) {
  await new Promise((r) => setTimeout(r, SAMPLE_MS - ((Date.now() - started) % SAMPLE_MS)));
  const kids = childrenOf(upPid);
  const rss: Record<string, number> = { up: rssMb(upPid) ?? NaN, bench: rssMb(process.pid) ?? NaN };
  kids.forEach((pid, i) => (rss[kids.length === 1 ? 'dynamo' : `child${i}`] = rssMb(pid) ?? NaN));
  const sample = {
    t: Math.round((Date.now() - started) / 1000),
    rss,
    requests: counters.requests,
    errors: counters.errors,
    stored: await storedEvents().catch(() => NaN),
  };
  samples.push(sample);
  const rate = (sample.requests - lastRequests) / (SAMPLE_MS / 1000);
  lastRequests = sample.requests;
  console.log(
    `${String(sample.t).padStart(6)} | ${rss.up!.toFixed(0).padStart(7)} | ${(rss.dynamo ?? NaN).toFixed(0).padStart(9)} | ${rss.bench!.toFixed(0).padStart(9)} | ${rate.toFixed(0).padStart(5)} | ${String(sample.errors).padStart(6)} | ${sample.stored}`,
  );
}

running = false;
await Promise.all(readers);
agent.destroy();
const kids = childrenOf(upPid);
up.kill('SIGINT');
const code = await upExit;
const orphans = kids.filter((pid) => rssMb(pid) !== undefined);

/** Max, and the slope of a least-squares line (MB per minute), of one process's RSS over some samples. */
function summary(name: string, over: Sample[]) {
  const points = over.map((s) => [s.t / 60, s.rss[name] ?? NaN] as const).filter(([, y]) => !Number.isNaN(y));
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const slope =
    points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) /
    points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return { max: Math.max(...points.map(([, y]) => y)), slope };
}
const secondHalf = samples.slice(Math.floor(samples.length / 2));
console.log('');
for (const name of Object.keys(samples[0]?.rss ?? {})) {
  const all = summary(name, samples);
  const late = summary(name, secondHalf);
  console.log(
    `${name.padEnd(7)} max ${all.max.toFixed(0)} MB; second half: max ${late.max.toFixed(0)} MB, slope ${late.slope.toFixed(2)} MB/min`,
  );
}
const last = samples.at(-1);
console.log(
  `readers: ${last?.requests} requests (${((last?.requests ?? 0) / (MINUTES * 60)).toFixed(0)}/s), ${last?.errors} errors; stored events ${last?.stored} (${((last?.stored ?? 0) / (MINUTES * 60)).toFixed(0)}/s of ${RATE}/s produced)`,
);
console.log(
  `up exited with ${code} after SIGINT; children left: ${orphans.length ? orphans.join(', ') : 'none'}`,
);
console.log(
  `machine: ${cpus().length} cores, ${cpus()[0]?.model}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
await rm(dir, { recursive: true, force: true });
process.exit(orphans.length > 0 || code !== 0 ? 1 : 0);
