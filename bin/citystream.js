#!/usr/bin/env node
// The only place that exits the process. Everything else throws or returns.
import { main } from '../dist/cli.js';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write('Forced exit.\n');
      process.exit(130);
    }
    process.stderr.write(`\nStopping (${signal}); press Ctrl-C again to force.\n`);
    controller.abort(signal);
  });
}

// The AWS SDK warns on every run under Node 20 that future releases will need Node 22; that is advice for
// whoever upgrades our dependencies, not for someone querying a table, so it shows only with --debug.
const debug = process.argv.includes('--debug');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.message.startsWith('NodeVersionSupportWarning') && !debug) return;
  process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
// Clients (kafkajs, the AWS SDK's keep-alive agents) may hold sockets open after a command is done.
process.exit(code);
