import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { runCli } from '../support/cli.js';
import { configFor, startDynalite, type StartedEndpoint } from '../support/dynamo-endpoints.js';

const SUBCOMMANDS: string[][] = [
  ['query', 'events', 'NYC'],
  ['query', 'summary', 'NYC'],
  ['query', 'alerts'],
  ['query', 'cities'],
  ['query', 'aggregations'],
  ['query', 'stats'],
];

let cwd: string;
let dynamo: StartedEndpoint;
let downEndpoint: string;
let client: DynamoDBClient;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'citystream-query-'));
  dynamo = await startDynalite();
  client = createDynamoClient(configFor(dynamo.endpoint));
  const gone = await startDynalite();
  await gone.stop();
  downEndpoint = gone.endpoint; // nothing listens there any more
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  await rm(cwd, { recursive: true, force: true });
});

/** An expected failure: exit code 2, nothing on stdout, one line on stderr, no stack. */
function expectOneLineError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('(run with --help'));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('citystream query', () => {
  it('has examples in every --help', async () => {
    for (const argv of [['query'], ...SUBCOMMANDS.map((a) => a.slice(0, 2))]) {
      const result = await runCli([...argv, '--help'], { cwd });
      expect(result.code, argv.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/Examples:\n {2}\$ citystream query/);
    }
  });

  it('refuses bad input before contacting DynamoDB', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['query', 'events', 'NYC', '--bogus'], /unknown option '--bogus'/],
      [['query', 'events'], /missing required argument 'city'/],
      [['query', 'events', 'NYC', '--limit', '0'], /--limit.*from 1 to 1000, got "0"/],
      [['query', 'events', 'NYC', '--limit', '1001'], /--limit.*from 1 to 1000/],
      [['query', 'events', 'NYC', '--limit', 'lots'], /--limit.*whole number/],
      [['query', 'events', 'NYC#1'], /argument 'city'.*letters, digits/],
      [['query', 'events', 'x'.repeat(65)], /argument 'city'/],
      [['query', 'summary', '<script>'], /argument 'city'/],
      [['query', 'summary', 'NYC', 'LA'], /too many arguments/],
      [['query', 'alerts', '--hours', '0'], /--hours.*from 1 to 720/],
      [['query', 'alerts', '--hours', '721'], /--hours.*from 1 to 720/],
      [['query', 'alerts', '--city', 'a/b'], /--city.*letters, digits/],
      [['query', 'alerts', '--limit', '1001'], /--limit.*from 1 to 1000/],
      [['query', 'alerts', '--since', '5'], /unknown option '--since'/],
      [['query', 'cities', '--city', 'NYC'], /unknown option '--city'/],
      [['query', 'aggregations', '--type', 'parade'], /--type.*traffic, weather, incident, construction/],
      [['query', 'aggregations', '--limit', '0'], /--limit.*from 1 to 1000/],
      [['query', 'aggregations', '--from', 'yesterday'], /--from.*ISO-8601/],
      [['query', 'aggregations', '--to', '2026-13-45T00:00:00Z'], /--to.*ISO-8601/],
      [
        ['query', 'aggregations', '--from', '2026-02-01', '--to', '2026-01-01'],
        /--from must not be after to/,
      ],
      [['query', 'aggregations', '--from', '2000-01-01'], /--from spans \d+ days without a city/],
      [['query', 'stats', 'extra'], /too many arguments/],
      [['query', 'nonsense'], /unknown command 'nonsense'/],
    ];
    for (const [argv, pattern] of cases) {
      const result = await runCli([...argv, '--endpoint', downEndpoint], { cwd });
      expectOneLineError(result, pattern);
    }
  });

  it('says which table is missing and how to create it', async () => {
    for (const argv of SUBCOMMANDS) {
      const result = await runCli([...argv, '--endpoint', dynamo.endpoint, '--prefix', 'absent-'], { cwd });
      expectOneLineError(result, /table absent-[a-z-]+ does not exist .*citystream tables create/);
    }
  });

  it('says nothing is listening and to run `citystream up` when the embedded endpoint is down', async () => {
    const env = { CITYSTREAM_DYNAMO_PORT: new URL(downEndpoint).port };
    for (const argv of SUBCOMMANDS) {
      const result = await runCli(argv, { cwd, env });
      expectOneLineError(result, /nothing is listening on http:\/\/127\.0\.0\.1:\d+ .*citystream up/);
    }
  });

  it('says nothing is listening and to check --endpoint when the given endpoint is down', async () => {
    for (const argv of SUBCOMMANDS) {
      const result = await runCli([...argv, '--endpoint', downEndpoint], { cwd });
      expectOneLineError(
        result,
        /nothing is listening on http:\/\/127\.0\.0\.1:\d+ — start DynamoDB there, or correct --endpoint$/,
      );
    }
  });

  it('prints empty results plainly on empty tables', async () => {
    const { createTables } = await import('../../src/store/tables.js');
    await createTables(client, { prefix: 'empty-', billing: { mode: 'on-demand' } });
    const flags = ['--endpoint', dynamo.endpoint, '--prefix', 'empty-'];
    expect((await runCli(['query', 'events', 'NYC', ...flags], { cwd })).stdout).toBe('no events for NYC\n');
    expect((await runCli(['query', 'cities', ...flags], { cwd })).stdout).toBe('no events yet\n');
    const stats = await runCli(['query', 'stats', '--json', ...flags], { cwd });
    expect(JSON.parse(stats.stdout)).toEqual({
      total_events: 0,
      total_alerts: 0,
      by_city: {},
      by_type: { traffic: 0, weather: 0, incident: 0, construction: 0 },
      by_severity: { low: 0, medium: 0, high: 0, critical: 0 },
      first_event_at: null,
      last_event_at: null,
    });
  });
});
