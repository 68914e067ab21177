import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { captureIO, runCli } from '../support/cli.js';
import { startTestBroker, type TestBroker } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

let kafka: TestBroker;
beforeAll(async () => {
  kafka = await startTestBroker({ partitions: 3 });
});
afterAll(async () => {
  await kafka?.close();
});

describe('citystream process: group membership', () => {
  it('says on stderr when it has joined and which partitions it owns; takes the session timeout', async () => {
    const controller = new AbortController();
    const { io, output } = captureIO({ signal: controller.signal });
    const argv = ['process', '--brokers', kafka.bootstrap, '--sink', 'none', '--group', 'join-test'];
    const exit = main([...argv, '--session-timeout', '6000', '--heartbeat-interval', '1000'], io);
    const line = await waitFor(
      'the join line',
      () =>
        /joined group join-test as (\S+) \(leader\); owns city-events partitions 0, 1, 2, 3, 4, 5\n/.exec(
          output().stderr,
        ) ?? undefined,
    );
    expect(line[1]).not.toBe('');
    controller.abort('SIGINT');
    expect(await exit).toBe(0);
    expect(output().stdout).toContain('processed 0 messages');
  });

  it('refuses a heartbeat interval that is not below the session timeout, and a session timeout out of range', async () => {
    const slow = await runCli(['process', '--session-timeout', '6000', '--heartbeat-interval', '6000']);
    expect(slow.code).toBe(2);
    expect(slow.stderr.trim()).toBe(
      'Error: --heartbeat-interval (6000 ms) must be below --session-timeout (6000 ms) — Kafka advises at most a third of the session timeout',
    );
    const short = await runCli(['process', '--session-timeout', '100']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('expected a whole number from 6000 to 1800000');
  });

  it('lists both flags in --help with their defaults and variables', async () => {
    const help = (await runCli(['process', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--session-timeout <ms>[\s\S]*default 30000; env CITYSTREAM_SESSION_TIMEOUT_MS/);
    expect(help).toMatch(
      /--heartbeat-interval <ms>[\s\S]*default 3000; env CITYSTREAM_HEARTBEAT_INTERVAL_MS/,
    );
  });
});
