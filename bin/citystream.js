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

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
// Clients (kafkajs, the AWS SDK's keep-alive agents) may hold sockets open after a command is done.
process.exit(code);
