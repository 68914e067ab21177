import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './broker-fixture.js';

const run = promisify(execFile);
const hasKcat = spawnSync('kcat', ['-V']).status === 0;
// On a developer machine without kcat the suite skips; in CI it must run.
const describeKcat = hasKcat || process.env.CI === 'true' ? describe : describe.skip;

let broker: TestBroker;
let dir: string;

beforeAll(async () => {
  if (!hasKcat && process.env.CI !== 'true') return;
  broker = await startTestBroker({ partitions: 6 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'citystream-kcat-'));
});
afterAll(async () => {
  await broker?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const LINES = 100_000;

describeKcat('Conformance > kcat (librdkafka)', () => {
  it('-P produces a file of 100 000 lines and -C -e reads them all back in order per partition', async () => {
    const file = path.join(dir, 'lines.txt');
    await writeFile(file, Array.from({ length: LINES }, (_, i) => `line-${i}`).join('\n') + '\n');
    await run('kcat', ['-b', broker.bootstrap, '-P', '-t', 'kcat-lines', '-l', file], { timeout: 60_000 });

    const { stdout } = await run(
      'kcat',
      ['-b', broker.bootstrap, '-C', '-t', 'kcat-lines', '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\n'],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    expect(rows).toHaveLength(LINES);
    const seen = new Set<string>();
    const last = new Map<string, { offset: number; line: number }>();
    for (const [partition, offset, value] of rows) {
      seen.add(value!);
      const line = Number(value!.slice('line-'.length));
      const prev = last.get(partition!);
      if (prev !== undefined) {
        expect(Number(offset)).toBe(prev.offset + 1); // no gaps, no repeats
        expect(line).toBeGreaterThan(prev.line); // the file's order within a partition
      }
      last.set(partition!, { offset: Number(offset), line });
    }
    expect(seen.size).toBe(LINES);
    expect(last.size).toBeGreaterThan(1); // spread over partitions
  });

  it('produces with an idempotent librdkafka producer (InitProducerId, sequences)', async () => {
    const file = path.join(dir, 'idem.txt');
    await writeFile(file, Array.from({ length: 1000 }, (_, i) => `idem-${i}`).join('\n') + '\n');
    await run(
      'kcat',
      ['-b', broker.bootstrap, '-P', '-t', 'kcat-idem', '-X', 'enable.idempotence=true', '-l', file],
      {
        timeout: 30_000,
      },
    );
    const { stdout } = await run(
      'kcat',
      ['-b', broker.bootstrap, '-C', '-t', 'kcat-idem', '-o', 'beginning', '-e', '-q'],
      {
        timeout: 30_000,
      },
    );
    expect(stdout.trim().split('\n').sort()).toEqual(
      Array.from({ length: 1000 }, (_, i) => `idem-${i}`).sort(),
    );
  });

  it('-L lists the broker and the topic with its partitions', async () => {
    const { stdout } = await run('kcat', ['-b', broker.bootstrap, '-L', '-t', 'kcat-lines'], {
      timeout: 20_000,
    });
    expect(stdout).toContain(`broker 0 at ${broker.bootstrap} (controller)`);
    expect(stdout).toMatch(/topic "kcat-lines" with 6 partitions/);
  });

  it('-L -J reports metadata as JSON for every topic', async () => {
    const { stdout } = await run('kcat', ['-b', broker.bootstrap, '-L', '-J'], { timeout: 20_000 });
    const meta = JSON.parse(stdout) as {
      brokers: { id: number }[];
      topics: { topic: string; partitions: unknown[] }[];
    };
    expect(meta.brokers).toEqual([expect.objectContaining({ id: 0 })]);
    expect(meta.topics.find((t) => t.topic === 'kcat-lines')?.partitions).toHaveLength(6);
  });
});
