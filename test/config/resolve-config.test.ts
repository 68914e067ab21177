import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/config-file.js';
import { envName } from '../../src/config/settings.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { UserError } from '../../src/errors.js';

describe('Config > resolve', () => {
  it('takes flags over environment over file over defaults, and says where each came from', () => {
    const resolved = resolveConfig({
      flags: { prefix: 'flag-' },
      env: { CITYSTREAM_PREFIX: 'env-', CITYSTREAM_REGION: 'eu-west-1' },
      file: {
        path: 'citystream.config.json',
        values: { prefix: 'file-', region: 'us-west-2', apiPort: 9000 },
      },
    });
    expect(resolved.values.prefix).toBe('flag-');
    expect(resolved.sources.prefix).toBe('flag');
    expect(resolved.values.region).toBe('eu-west-1');
    expect(resolved.sources.region).toBe('env');
    expect(resolved.values.apiPort).toBe(9000);
    expect(resolved.sources.apiPort).toBe('file');
    expect(resolved.values.topic).toBe('city-events');
    expect(resolved.sources.topic).toBe('default');
  });

  it('derives the embedded endpoint on the local target only', () => {
    const local = resolveConfig({ flags: {}, env: { CITYSTREAM_DYNAMO_PORT: '8123' } });
    expect(local.values.endpoint).toBe('http://127.0.0.1:8123');
    expect(local.sources.endpoint).toBe('derived');
    const aws = resolveConfig({ flags: { target: 'aws' }, env: {} });
    expect(aws.values.endpoint).toBeUndefined();
  });

  it('parses lists and validates their members', () => {
    const resolved = resolveConfig({ flags: { alertSeverities: 'medium, high' }, env: {} });
    expect(resolved.values.alertSeverities).toEqual(['medium', 'high']);
    expect(() => resolveConfig({ flags: { alertSeverities: 'high,severe' }, env: {} })).toThrow(/severe/);
  });

  it('reports every problem at once, naming where each bad value came from', () => {
    let error: unknown;
    try {
      resolveConfig({
        flags: { target: 'mars' },
        env: { CITYSTREAM_API_PORT: '70000', CITYSTREAM_WINDOW_MINUTES: 'five' },
        file: { path: 'c.json', values: { ttlDays: 0, colour: 'blue' } },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toContain('--target: must be one of local, aws');
    expect(message).toContain('CITYSTREAM_API_PORT: must be at most 65535');
    expect(message).toContain('CITYSTREAM_WINDOW_MINUTES: expected a number');
    expect(message).toContain('c.json: ttlDays: must be at least 1');
    expect(message).toContain('unknown setting "colour"');
  });

  it('rejects endpoints that are not http(s) URLs', () => {
    expect(() => resolveConfig({ flags: { endpoint: 'localhost:8000' }, env: {} })).toThrow(/URL/);
  });

  it('names environment variables after the settings', () => {
    expect(envName('dlqTopic')).toBe('CITYSTREAM_DLQ_TOPIC');
    expect(envName('target')).toBe('CITYSTREAM_TARGET');
  });
});

describe('Config > file', () => {
  it('reads citystream.config.json from the working directory when present', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cs-config-'));
    expect(await loadConfigFile(dir)).toBeUndefined();
    await writeFile(path.join(dir, 'citystream.config.json'), '{"prefix":"dev-"}');
    expect(await loadConfigFile(dir)).toEqual({
      path: path.join(dir, 'citystream.config.json'),
      values: { prefix: 'dev-' },
    });
  });

  it('fails clearly on a missing explicit file, bad JSON, or a non-object', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cs-config-'));
    await expect(loadConfigFile(dir, 'nope.json')).rejects.toThrow(/cannot read config file/);
    await writeFile(path.join(dir, 'bad.json'), '{prefix:');
    await expect(loadConfigFile(dir, 'bad.json')).rejects.toThrow(/not valid JSON/);
    await writeFile(path.join(dir, 'list.json'), '[1]');
    await expect(loadConfigFile(dir, 'list.json')).rejects.toThrow(/one JSON object/);
  });
});
