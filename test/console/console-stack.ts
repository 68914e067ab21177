import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../../src/clients/kafka.js';
import { buildConsole } from '../../src/console/build.js';
import { runCli, type CliResult } from '../support/cli.js';
import {
  computeGroundTruth,
  type GroundTruth,
  type GroundTruthSettings,
} from '../support/oracles/ground-truth.js';
import { waitFor } from '../support/wait-for.js';
import { readTopic, waitForZeroLag } from '../e2e/pipeline-stack.js';

/**
 * `citystream up --no-producer` in this process with a freshly built console, for the browser tests and
 * the console benchmark; `produceSeeded` sends a known stream (late and malformed messages included) and
 * computes its ground truth once the processor has caught up.
 */
export interface ConsoleStack {
  base: string;
  brokers: string;
  dynamoEndpoint: string;
  kafka: Kafka;
  dir: string;
  stop(): Promise<CliResult | undefined>;
}

export async function startConsoleStack(): Promise<ConsoleStack> {
  await buildConsole();
  const dir = await mkdtemp(join(tmpdir(), 'citystream-console-'));
  const [broker, dynamo, api] = await freePorts(3);
  const controller = new AbortController();
  const up = runCli(
    [
      'up',
      '--no-producer',
      '--broker-port',
      String(broker),
      '--dynamo-port',
      String(dynamo),
      '--api-port',
      String(api),
      '--data-dir',
      dir,
    ],
    { env: {}, cwd: dir, signal: controller.signal },
  );
  let exited: CliResult | undefined;
  void up.then((r) => (exited = r));
  const base = `http://127.0.0.1:${api}`;
  await waitFor(
    'the API of `up`',
    async () => {
      if (exited) throw new Error(`up exited with ${exited.code}: ${exited.stderr}`);
      return (await fetch(`${base}/api/v1/health`).catch(() => undefined))?.ok;
    },
    60_000,
  );
  const brokers = `127.0.0.1:${broker}`;
  const kafka = createKafka({ brokers: [brokers], clientId: 'console-test' });
  return {
    base,
    brokers,
    dynamoEndpoint: `http://127.0.0.1:${dynamo}`,
    kafka,
    dir,
    async stop() {
      controller.abort();
      const result = await up;
      await rm(dir, { recursive: true, force: true });
      return result;
    },
  };
}

export const SETTINGS: Omit<GroundTruthSettings, 'now'> = {
  windowMinutes: 5,
  watermarkMinutes: 10,
  alertSeverities: ['high', 'critical'],
  ttlDays: 30,
};

/** Produces `count` seeded events over the last hours through `citystream produce`; returns the truth. */
export async function produceSeeded(
  stack: ConsoleStack,
  count: number,
): Promise<{ truth: GroundTruth; settings: GroundTruthSettings }> {
  const start = new Date(Date.now() - 3 * 3_600_000).toISOString();
  const produced = await runCli(
    [
      '--brokers',
      stack.brokers,
      'produce',
      '--seed',
      '20261201',
      '--count',
      String(count),
      '--rate',
      '0',
      '--start-time',
      start,
      '--time-step',
      '5s',
      '--late-fraction',
      '0.08',
      '--max-lateness',
      '30m',
      '--invalid-fraction',
      '0.05',
    ],
    { env: {}, cwd: stack.dir },
  );
  if (produced.code !== 0) throw new Error(`produce failed: ${produced.stderr}`);
  await waitForZeroLag(stack.kafka, 'citystream-processor', 'city-events');
  const settings = { ...SETTINGS, now: Date.now() };
  return { truth: computeGroundTruth(await readTopic(stack.kafka, 'city-events'), settings), settings };
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      return server;
    }),
  );
  const found = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return found;
}
