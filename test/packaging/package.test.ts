/**
 * What ships, and that it works once installed: the packed tarball holds bin/, dist/, README, LICENSE and
 * package.json only (nothing from test/ or bench/), a global install of it into a fresh prefix gives a
 * working `citystream`, and `--help` and `config` load none of the heavy dependencies.
 * Uses dist/ as `npm test` builds it (typecheck, lint, build, then vitest).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const npm = (args: string[], cwd = root) => run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024 });

describe('Packaging', () => {
  let scratch: string;
  beforeAll(async () => {
    if (!existsSync(path.join(root, 'dist/cli.js')))
      throw new Error('dist/ is missing: run `npm run build` first');
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cs-pack-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('packs bin/, dist/, README, LICENSE and package.json, and nothing test-only', async () => {
    const { stdout } = await npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map(
      (f) => f.path,
    );
    expect(files).toContain('bin/citystream.js');
    expect(files).toContain('dist/cli.js');
    // The patched dynalite (patches/dynalite+4.0.0.patch): a release's own node_modules holds it unpatched.
    expect(files).toContain('dist/vendor/dynalite/actions/transactWriteItems.js');
    expect(files.filter((f) => /\.pem$|(^|\/)ssl\//.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    const outside = files.filter(
      (f) => !/^(bin|dist|templates)\//.test(f) && !['README.md', 'LICENSE', 'package.json'].includes(f),
    );
    expect(outside).toEqual([]);
    expect(
      files.filter((f) => /oracle|ground-truth|expected-answers|\.test\.|^test\/|^bench\//.test(f)),
    ).toEqual([]);
  });

  it('installs globally from the packed tarball into a fresh prefix and runs', async () => {
    const { stdout: packed } = await npm([
      'pack',
      '--json',
      '--ignore-scripts',
      '--pack-destination',
      scratch,
    ]);
    const tarball = path.join(scratch, (JSON.parse(packed) as Array<{ filename: string }>)[0]!.filename);
    const prefix = path.join(scratch, 'prefix');
    await npm(
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
      scratch,
    );
    const bin = path.join(prefix, 'bin', 'citystream');
    const help = await run(bin, ['--help'], { cwd: scratch });
    expect(help.stdout).toContain('Usage: citystream');
    expect(help.stdout).toMatch(/\bup\b.*\n(.*\n)*.*\bquery\b/);
    const version = await run(bin, ['--version'], { cwd: scratch });
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  }, 300_000);

  it.each([['--help'], ['config'], ['tables', '--help']])(
    '`citystream %s` loads no SDK, kafkajs, fastify, dynalite, prom-client or broker module',
    async (...argv) => {
      const record = path.join(scratch, `modules-${argv.join('-')}.txt`);
      await run(
        process.execPath,
        [
          '--import',
          path.join(root, 'test/support/fixtures/record-modules.mjs'),
          path.join(root, 'bin/citystream.js'),
          ...argv,
        ],
        { cwd: scratch, env: { ...process.env, RECORD_MODULES_TO: record } },
      );
      const loaded = (await readFile(record, 'utf8')).split('\n');
      expect(loaded.some((u) => u.includes('/dist/cli.js'))).toBe(true);
      const heavy = loaded.filter((u) =>
        /node_modules\/(@aws-sdk|kafkajs|fastify|dynalite|prom-client|@sinclair)\/|\/dist\/(broker|processor|api|stack)\//.test(
          u,
        ),
      );
      expect(heavy).toEqual([]);
    },
  );
});
