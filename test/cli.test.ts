import { Command } from 'commander';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { captureIO, runCli } from './support/cli.js';

function leafCommands(cmd: Command): Command[] {
  if (cmd.commands.length === 0) return [cmd];
  return cmd.commands.flatMap(leafCommands);
}

describe('CLI', () => {
  it('shows examples in the --help of every command', () => {
    const { io } = captureIO();
    const program = buildProgram(io);
    const commands = program.commands.flatMap((c) => [c, ...leafCommands(c)]);
    expect(commands.length).toBeGreaterThan(0);
    for (const cmd of commands) {
      const help = cmd.helpInformation() + helpAfter(cmd);
      expect(help, `${cmd.name()} --help`).toMatch(/Examples:\n\s+\$ citystream /);
    }
  });

  it('rejects an unknown flag with one line and exit code 2', async () => {
    const result = await runCli(['config', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it("prefixes commander's own errors the way it prefixes ours", async () => {
    const result = await runCli(['config', '--no-such-flag']);
    expect(result.stderr).toMatch(/^Error: unknown option '--no-such-flag'\n/);
    const ours = await runCli(['config'], { env: { CITYSTREAM_TTL_DAYS: '-1' } });
    expect(ours.stderr).toMatch(/^Error: /);
  });

  it('under --json, reports any error as one JSON object on stderr', async () => {
    const usage = await runCli(['config', '--json', '--no-such-flag']);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr.endsWith('\n') && usage.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(usage.stderr)).toEqual({
      error: { kind: 'user', message: "unknown option '--no-such-flag'", hint: 'run with --help for usage' },
    });
    const down = await runCli(['tables', 'list', '--json', '--endpoint', 'http://127.0.0.1:9']);
    expect(down.code).toBe(2);
    expect(JSON.parse(down.stderr)).toEqual({
      error: {
        kind: 'user',
        message: 'nothing is listening on http://127.0.0.1:9',
        hint: 'start DynamoDB there, or correct --endpoint',
      },
    });
  });

  it('rejects an unknown command with exit code 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('prints help on stdout with exit code 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: citystream');
  });

  it('prints the resolved configuration as JSON on stdout', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'cs-cli-'));
    await writeFile(path.join(cwd, 'citystream.config.json'), '{"topic":"from-file"}');
    const result = await runCli(['config', '--json', '--prefix', 'x-'], {
      cwd,
      env: { CITYSTREAM_GROUP: 'g1' },
    });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      settings: Array<{ key: string; value: unknown; source: string }>;
    };
    const byKey = Object.fromEntries(doc.settings.map((s) => [s.key, s]));
    expect(byKey.prefix).toMatchObject({ value: 'x-', source: 'flag' });
    expect(byKey.group).toMatchObject({ value: 'g1', source: 'env' });
    expect(byKey.topic).toMatchObject({ value: 'from-file', source: 'file' });
    expect(byKey.partitions).toMatchObject({ value: 6, source: 'default' });
  });

  it('reports a bad configuration as one line with exit code 2 and no stack', async () => {
    const result = await runCli(['config'], { env: { CITYSTREAM_TTL_DAYS: '-1' } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('CITYSTREAM_TTL_DAYS: must be at least 1');
  });
});

/** commander keeps addHelpText('after') outside helpInformation(); render it the way --help does. */
function helpAfter(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}
