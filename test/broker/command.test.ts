import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { captureIO } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';

let cwd: string;
beforeAll(async () => void (cwd = await mkdtemp(path.join(os.tmpdir(), 'citystream-broker-cmd-'))));
afterAll(async () => rm(cwd, { recursive: true, force: true }));

describe('citystream broker', () => {
  it('serves on the port it reports until the signal aborts, keeping data under --data-dir', async () => {
    const controller = new AbortController();
    const { io, output } = captureIO({ cwd, signal: controller.signal });
    const exit = main(['broker', '--port', '0', '--data-dir', 'kafka', '--partitions', '2', '--json'], io);
    await waitFor('the listening document', () => output().stdout.includes('"bootstrap"'));
    const doc = JSON.parse(output().stdout) as { bootstrap: string; port: number; dataDir: string };
    expect(doc.dataDir).toBe(path.join(cwd, 'kafka'));

    const kafka = new Kafka({ brokers: [doc.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: 'via-cli', messages: [{ value: 'hello' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.fetchTopicOffsets('via-cli')).toHaveLength(2); // --partitions
    await admin.disconnect();

    controller.abort('SIGTERM');
    expect(await exit).toBe(0);
    expect(output().stderr).toContain('broker stopped');
    expect((await stat(path.join(cwd, 'kafka', 'via-cli-0'))).isDirectory()).toBe(true);
  });

  it('says which address is taken instead of failing with a stack', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const { io, output } = captureIO({ cwd });
    const code = await main(['broker', '--port', String(port), '--data-dir', 'kafka2'], io);
    blocker.close();
    expect(code).toBe(2);
    expect(output().stderr).toContain(
      `port ${port} on 127.0.0.1 is already in use, so the broker cannot start`,
    );
  });
});
