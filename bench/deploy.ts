/**
 * Deploy duration to a local sshd (this machine as root@127.0.0.1, the systemd stand-in when systemd is
 * not PID 1): a cold deploy (build, pack, upload, npm ci, units, health) and a re-deploy with nothing
 * changed, then teardown. Run as root: `npx tsx bench/deploy.ts`. Figures go in bench/RESULTS.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deployToHost, type DeployIO } from '../src/deploy/deploy.js';
import { teardownHost } from '../src/deploy/operate.js';
import { freePort } from '../test/support/free-port.js';
import { hasSystemd, startSshd } from '../test/deploy/support/sshd.js';

const sshd = await startSshd({ standIn: !hasSystemd() });
const cwd = mkdtempSync(path.join(tmpdir(), 'citystream-bench-deploy-'));
const io: DeployIO = {
  stacksDir: path.join(cwd, '.citystream', 'stacks'),
  info: () => {},
  print: () => {},
  signal: new AbortController().signal,
};
const target = { host: '127.0.0.1', user: 'root', port: sshd.port, identityFile: sshd.identity };
const ports = {
  api: await freePort(),
  broker: await freePort(),
  dynamo: await freePort(),
  processorMetrics: await freePort(),
  producerMetrics: await freePort(),
};
try {
  const cold = await deployToHost(target, { ports, rate: 1 }, io);
  const warm = await deployToHost(target, { ports, rate: 1 }, io);
  console.log(`cold deploy: ${(cold.durationMs / 1000).toFixed(1)} s (release ${cold.release})`);
  console.log(
    `re-deploy, nothing changed: ${(warm.durationMs / 1000).toFixed(1)} s (changed: ${warm.changed})`,
  );
} finally {
  await teardownHost({ stack: 'default', target }, false, io).catch((err: unknown) => console.error(err));
  await sshd.stop();
}
