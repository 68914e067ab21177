/**
 * Throughput and latency of the embedded broker, through kcat (librdkafka, C) and kafkajs side by side:
 * produce and consume of 200-byte values (messages/s, MB/s), and end-to-end latency (produce → consumer
 * callback) at a fixed rate, p50/p99. The broker runs in a child process so its CPU time can be read
 * from /proc and compared with the wall time of each phase: a broker near 1.0 core is the bound; well
 * below, the client (or the fsync per request) is.
 *
 *   npx tsx bench/broker.ts [messages=200000] [--fsync always|interval|never] [--record]
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';

const run = promisify(execFile);
const args = process.argv.slice(2);
const N = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--fsync') ?? 200_000);
const fsync = (args.includes('--fsync') ? args[args.indexOf('--fsync') + 1] : 'always') as
  'always' | 'interval' | 'never';
const record = args.includes('--record');
const VALUE_BYTES = 200;
const BROKER_MODULE = fileURLToPath(new URL('../src/broker/broker.ts', import.meta.url));

interface Figure {
  what: string;
  client: string;
  messages: number;
  seconds: number;
  brokerCpu: number;
  clientCpu: number | null;
}

/** The broker in a child process (tsx), so its CPU is its own; resolves with its port and pid. */
async function spawnBroker(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const code = `const { startBroker } = await import(${JSON.stringify(BROKER_MODULE)});
const b = await startBroker({ host: '127.0.0.1', port: 0, dataDir: ${JSON.stringify(dataDir)}, partitions: 6, fsync: ${JSON.stringify(fsync)} });
console.log('LISTENING ' + b.port);
process.on('SIGTERM', () => b.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
  });
  return { child, port };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
}

async function measure(
  what: string,
  client: string,
  messages: number,
  brokerPid: number,
  fn: () => Promise<void>,
  clientCpu?: () => Promise<number>,
): Promise<Figure> {
  const cpu0 = await cpuSeconds(brokerPid);
  const own0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const own = process.cpuUsage(own0);
  const fig: Figure = {
    what,
    client,
    messages,
    seconds,
    brokerCpu: ((await cpuSeconds(brokerPid)) - cpu0) / seconds,
    clientCpu: clientCpu ? (await clientCpu()) / seconds : (own.user + own.system) / 1e6 / seconds,
  };
  console.error(`${what} (${client}): ${rate(fig)}`);
  return fig;
}

function rate(f: Figure): string {
  const mps = f.messages / f.seconds;
  return `${Math.round(mps).toLocaleString('en-US')} msg/s, ${((mps * VALUE_BYTES) / 1e6).toFixed(1)} MB/s, broker ${f.brokerCpu.toFixed(2)} cores, client ${f.clientCpu === null ? '?' : f.clientCpu.toFixed(2)} cores`;
}

/** Runs kcat under bash's `time` and returns the CPU seconds (user + system) it used. */
async function kcat(argv: string[], input?: string): Promise<number> {
  const { stderr } = await run(
    'bash',
    [
      '-c',
      `TIMEFORMAT='%U %S'; time kcat ${argv.map((a) => `'${a}'`).join(' ')} ${input ? `< '${input}'` : '> /dev/null'}`,
    ],
    {
      maxBuffer: 1 << 26,
    },
  );
  const [user, sys] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return (user ?? 0) + (sys ?? 0);
}

/** Printed under the recorded table; bench/RESULTS.md has the reading of a run (what bounds each figure). */
const BOUNDS = [
  'Reading the CPU columns: a process near 1.0 was saturating one core. The broker is the bound only if its column',
  'is; otherwise compare the client column (kafkajs encodes and decodes in JavaScript) and an fsync never run.',
].join('\n');

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'citystream-bench-broker-'));
  const { child, port } = await spawnBroker(path.join(dir, 'data'));
  const bootstrap = `127.0.0.1:${port}`;
  const pid = child.pid!;
  const figures: Figure[] = [];
  try {
    // kcat: a file of N lines of 200 bytes, produced and consumed back.
    const file = path.join(dir, 'values.txt');
    const value = 'v'.repeat(VALUE_BYTES - 8);
    await writeFile(
      file,
      Array.from({ length: N }, (_, i) => `${String(i).padStart(8, '0')}${value}`).join('\n') + '\n',
    );
    let kcatCpu = 0;
    figures.push(
      await measure(
        'produce',
        'kcat -P (acks=-1)',
        N,
        pid,
        async () => {
          kcatCpu = await kcat(['-b', bootstrap, '-P', '-t', 'bench-kcat', '-X', 'acks=all', '-l', file]);
        },
        async () => kcatCpu,
      ),
    );
    figures.push(
      await measure(
        'consume',
        'kcat -C -e',
        N,
        pid,
        async () => {
          kcatCpu = await kcat(['-b', bootstrap, '-C', '-t', 'bench-kcat', '-o', 'beginning', '-e', '-q']);
        },
        async () => kcatCpu,
      ),
    );

    // kafkajs: batches of 1000 messages, 6 sends in flight, acks=-1; then one consumer reads all back.
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, clientId: 'bench' });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const payload = Buffer.alloc(VALUE_BYTES, 'v');
    figures.push(
      await measure('produce', 'kafkajs (acks=-1, 1000/send)', N, pid, async () => {
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < N; i += 1000) {
          const messages = Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({
            key: String((i + j) % 64),
            value: payload,
          }));
          sends.push(
            producer.send({ topic: 'bench-kafkajs', acks: -1, compression: CompressionTypes.None, messages }),
          );
          if (sends.length >= 6) await sends.shift();
        }
        await Promise.all(sends);
      }),
    );
    figures.push(
      await measure('consume', 'kafkajs eachBatch', N, pid, async () => {
        const consumer = kafka.consumer({
          groupId: 'bench',
          maxBytesPerPartition: 4 << 20,
          maxWaitTimeInMs: 100,
        });
        await consumer.connect();
        await consumer.subscribe({ topic: 'bench-kafkajs', fromBeginning: true });
        let count = 0;
        await new Promise<void>((resolve) => {
          void consumer.run({
            eachBatch: async ({ batch }) => {
              count += batch.messages.length;
              if (count >= N) resolve();
            },
          });
        });
        await consumer.disconnect();
      }),
    );

    // End-to-end latency at a fixed rate: 200 messages/s for 5 s, one at a time, acks=-1.
    const latencies: number[] = [];
    const consumer = kafka.consumer({ groupId: 'bench-latency', maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'bench-latency', fromBeginning: false });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench-latency', numPartitions: 6 }] });
    await admin.disconnect();
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({
      eachMessage: async ({ message }) => void latencies.push(Date.now() - Number(message.value!.toString())),
    });
    while (!joined) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    const rateHz = 200;
    const total = rateHz * 5;
    const start = Date.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rateHz;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      void producer.send({
        topic: 'bench-latency',
        acks: -1,
        messages: [{ key: String(i), value: String(Date.now()) }],
      });
    }
    while (latencies.length < total) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    await producer.disconnect();
    latencies.sort((a, b) => a - b);
    const p = (q: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    const latency = `end-to-end latency at ${rateHz} msg/s (kafkajs → broker → kafkajs, acks=-1, fsync ${fsync}): p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${latencies.at(-1)} ms`;
    console.error(latency);

    const table = [
      '| phase | client | msg/s | MB/s | broker CPU (cores) | client CPU (cores) |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
      ...figures.map((f) => {
        const mps = f.messages / f.seconds;
        return `| ${f.what} | ${f.client} | ${Math.round(mps).toLocaleString('en-US')} | ${((mps * VALUE_BYTES) / 1e6).toFixed(1)} | ${f.brokerCpu.toFixed(2)} | ${f.clientCpu === null ? '?' : f.clientCpu.toFixed(2)} |`;
      }),
    ].join('\n');
    console.log(table);
    console.log(latency);
    if (record) {
      const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
      await appendFile(
        new URL('./RESULTS.md', import.meta.url),
        `\n## Embedded broker (bench/broker.ts)\n\n${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, Node ${process.version}, ` +
          `${N.toLocaleString('en-US')} messages of ${VALUE_BYTES} bytes, 6 partitions, fsync ${fsync}; broker in its own process, ` +
          `clients on the same machine; 1-minute load average ${loadBefore.toFixed(1)} at the start (other work on the machine).\n\n` +
          `${table}\n\n${latency}\n\n${BOUNDS}\n`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
