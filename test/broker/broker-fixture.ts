import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../src/broker/broker.js';

export interface TestBroker extends RunningBroker {
  /** Every line the broker logged. */
  lines: string[];
  /** Stops the broker and removes its data directory. */
  dispose(): Promise<void>;
}

/** A broker on 127.0.0.1, an ephemeral port and a fresh temporary data directory. */
export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'citystream-broker-')));
  const lines: string[] = [];
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    ...options,
    dataDir,
    log: (l) => lines.push(l),
  });
  return {
    ...broker,
    lines,
    dispose: async () => {
      await broker.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
