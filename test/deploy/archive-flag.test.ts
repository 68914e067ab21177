import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** `deploy --archive`: refused in one line before anything runs, and what a --host dry run would write. */
describe('deploy --archive', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'citystream-deploy-archive-'));

  it('refuses what is not an archive target, or a host directory a unit cannot name', async () => {
    for (const [value, message] of [
      ['ftp://x/y', 'ftp:// is not an archive target'],
      ['s3://', 'names no bucket'],
      ['file:///srv/my archive', 'the host directory "/srv/my archive" may hold only letters'],
    ] as const) {
      for (const host of [['--host', 'root@127.0.0.1'], []]) {
        const result = await runCli(['deploy', ...host, '--archive', value, '--dry-run'], { cwd });
        expect(result.code, value).toBe(2);
        expect(result.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
        expect(result.stderr).toContain(message);
      }
    }
  });

  it('on a --host dry run: the directory, the processor sandbox and the config file', async () => {
    const result = await runCli(
      ['deploy', '--host', 'root@127.0.0.1', '--archive', 'file:///srv/citystream-archive/', '--dry-run'],
      { cwd },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'install -d -m 0750 -o citystream -g citystream /srv/citystream-archive\n',
    );
    expect(result.stdout).toContain('ReadWritePaths=/var/lib/citystream /srv/citystream-archive\n');
    expect(result.stdout).toContain('"archive": "file:///srv/citystream-archive"');
  });
});
