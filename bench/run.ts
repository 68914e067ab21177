/**
 * `npm run bench [-- NAME ...]`: runs the benchmarks of bench/ one after another (each in its own process,
 * so one's memory and sockets cannot skew the next), or only the named ones. Each prints its own figures;
 * record them in bench/RESULTS.md with the machine, the date and the load. What benchmarks share (the
 * latency proxy, the read load generator) is in bench/support/, not a benchmark itself.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of asked.length > 0 ? asked : all) {
  console.log(`\n== bench/${name}.ts`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.ts`)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`bench/${name}.ts exited with ${run.status ?? run.signal}`);
    failed += 1;
  }
}
process.exit(failed > 0 ? 1 : 0);
