/**
 * The DynamoDB client's own CPU per request, side by side in one process (`npx tsx bench/dynamodb-client.ts`).
 *
 * Against the embedded DynamoDB every request costs CPU on the same machine twice: in dynalite and in the
 * AWS SDK client. This measures the client's part alone: a stand-in HTTP server in this process answers
 * every request at once with a canned body (its CPU is the same for every variant), and each variant
 * sends the same requests, 8 in flight, in alternating rounds; the median round is printed.
 *   - a bare `http.request` of the same body: the floor (no serialisation, no signing, no middleware);
 *   - the SDK's DynamoDBClient with its defaults (the endpoint and dummy credentials only);
 *   - the same with `cacheMiddleware: true` alone;
 *   - `createDynamoClient`, as citystream builds every client (and, for the Query, as the API sends it:
 *     with its request's deadline as `abortSignal`, which the middleware cache does not serve).
 * Two shapes: a claim (a conditional PutItem, small answer) and a page of an `events` read (Query, 20
 * items back). Then the processor's write of 25 raw events (BatchWriteItem) with its items encoded by
 * util-dynamodb's `marshall` against citystream's `toAttributeMap` (the same output; src/store/attribute-values.ts),
 * the encoding alone and encoding plus the request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createDynamoClient } from '../src/clients/dynamodb.js';
import { EventGenerator, steppedClock } from '../src/events/generator.js';
import { toAttributeMap } from '../src/store/attribute-values.js';
import { rawEventItem } from '../src/store/items.js';

const ROUNDS = 7;
const PER_ROUND = 3_000;
const IN_FLIGHT = 8;

const item = (i: number) => ({
  event_id: { S: `e-${i}-3f2a9c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f` },
  timestamp: { S: '2026-12-02T06:00:00.000Z' },
  city: { S: 'Chicago' },
  city_shard: { S: 'Chicago#2' },
  event_type: { S: 'traffic' },
  severity: { S: 'high' },
  description: { S: 'Accident on I-90 near exit 12, two lanes closed' },
  expires_at: { N: '1767225600' },
});
const QUERY_ANSWER = JSON.stringify({
  Count: 20,
  ScannedCount: 20,
  Items: Array.from({ length: 20 }, (_, i) => item(i)),
});
const server = http.createServer((req, res) => {
  const target = String(req.headers['x-amz-target'] ?? '');
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench' });
    res.end(target.endsWith('.Query') ? QUERY_ANSWER : '{}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const credentials = { accessKeyId: 'citystreamlocal', secretAccessKey: 'citystreamlocal' };

const claim = (i: number) => ({
  TableName: 'citystream-raw-events',
  Item: {
    event_id: { S: `dedupe#e-${i}` },
    timestamp: { S: 'claim' },
    d: { S: `city-events/0/${i}` },
    h: { S: '8c3d1f0e9b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d' },
    expires_at: { N: '1767225600' },
  },
  ConditionExpression: 'attribute_not_exists(#id) OR #d = :d OR #exp <= :now',
  ExpressionAttributeNames: { '#id': 'event_id', '#d': 'd', '#exp': 'expires_at' },
  ExpressionAttributeValues: { ':d': { S: `city-events/0/${i}` }, ':now': { N: '1764655200' } },
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
});
const page = () => ({
  TableName: 'citystream-raw-events',
  IndexName: 'by-city',
  KeyConditionExpression: 'city_shard = :s',
  ExpressionAttributeValues: { ':s': { S: 'Chicago#2' } },
  ScanIndexForward: false,
  Limit: 20,
});

type Send = (i: number) => Promise<unknown>;
/** One deadline for the whole run, as the API has one per request for all of that request's Queries. */
const deadline = AbortSignal.timeout(3_600_000);
const sdkDefaults = new DynamoDBClient({ endpoint, region: 'local', credentials });
const sdkCached = new DynamoDBClient({ endpoint, region: 'local', credentials, cacheMiddleware: true });
const ours = createDynamoClient({ target: 'local', region: 'local', endpoint });
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
function bare(target: string, body: (i: number) => object): Send {
  return (i) =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(body(i));
      const req = http.request(
        `${endpoint}/`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `DynamoDB_20120810.${target}`,
            'content-length': Buffer.byteLength(text),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
}
const rawItems = new EventGenerator({
  seed: 'client-bench',
  clock: steppedClock(Date.parse('2026-12-02T06:00:00Z'), 200),
  severityMix: 'realistic',
})
  .take(25)
  .map((m) => rawEventItem(m.event, { ttlDays: 30 }));
const viaMarshall = (item: object) => marshall(item, { removeUndefinedValues: true });
const batchOf = (encode: (item: object) => Record<string, AttributeValue>) =>
  new BatchWriteItemCommand({
    RequestItems: {
      'citystream-raw-events': rawItems.map((item) => ({ PutRequest: { Item: encode(item) } })),
    },
  });
const variants: Record<string, Record<string, Send>> = {
  'claim (conditional PutItem)': {
    'bare http.request (floor)': bare('PutItem', claim),
    'SDK defaults': (i) => sdkDefaults.send(new PutItemCommand(claim(i))),
    'SDK defaults + cacheMiddleware': (i) => sdkCached.send(new PutItemCommand(claim(i))),
    'createDynamoClient (citystream)': (i) => ours.send(new PutItemCommand(claim(i))),
  },
  'events page (Query, 20 items)': {
    'bare http.request (floor)': bare('Query', page),
    'SDK defaults': () => sdkDefaults.send(new QueryCommand(page())),
    'SDK defaults + cacheMiddleware': () => sdkCached.send(new QueryCommand(page())),
    'createDynamoClient (citystream)': () => ours.send(new QueryCommand(page())),
    // The API sends its Queries with the request's deadline; any options object bypasses the cache.
    'createDynamoClient + abortSignal': () => ours.send(new QueryCommand(page()), { abortSignal: deadline }),
  },
  '25 raw events (BatchWriteItem), items encoded per request': {
    // The base of this table's ratios: what the processor's batch writer did until 2026-12-04.
    'marshall + createDynamoClient': () => ours.send(batchOf(viaMarshall)),
    'toAttributeMap + createDynamoClient': () => ours.send(batchOf(toAttributeMap)),
    'encoding alone: marshall': async () => void rawItems.map(viaMarshall),
    'encoding alone: toAttributeMap': async () => void rawItems.map(toAttributeMap),
  },
};

/** CPU of this process per request (µs), sending `n` requests `IN_FLIGHT` at a time. */
async function round(send: Send, n: number): Promise<number> {
  let next = 0;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) await send(next++);
    }),
  );
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

for (const [shape, sends] of Object.entries(variants)) {
  for (const send of Object.values(sends)) await round(send, 1_000); // warm up every path first
  const samples = new Map<string, number[]>(Object.keys(sends).map((name) => [name, []]));
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, send] of Object.entries(sends)) samples.get(name)!.push(await round(send, PER_ROUND));
  console.log(`\n${shape}: µs of CPU per request (client and stand-in server), median of ${ROUNDS} rounds`);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const baseName = samples.has('SDK defaults') ? 'SDK defaults' : Object.keys(sends)[0]!;
  const base = median(samples.get(baseName)!);
  const width = Math.max(...Object.keys(sends).map((n) => n.length)) + 2;
  for (const [name, v] of samples)
    console.log(
      `  ${name.padEnd(width)} ${median(v).toFixed(0).padStart(6)}   (${(median(v) / base).toFixed(2)} of ${baseName}; rounds ${v.map((x) => x.toFixed(0)).join(' ')})`,
    );
}
const { loadavg, cpus } = await import('node:os');
console.log(
  `\nmachine: ${cpus().length} cores, ${cpus()[0]?.model}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}; Node ${process.version}`,
);
server.close();
agent.destroy();
process.exit(0);
