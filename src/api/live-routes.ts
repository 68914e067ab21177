import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { ReadContext } from '../queries/index.js';
import type { LiveHub } from './live-hub.js';
import { integerParameter } from './parameters.js';
import type { RouteSpec } from './routes.js';

/**
 * The console's JSON reads that come from the live feed rather than the tables: rate history, the
 * latest dead letters, and the health of each service. Declared as routes like the others, so they are
 * validated and documented the same way.
 */

export interface ServiceHealth {
  name: string;
  status: 'ok' | 'down' | 'unknown';
  detail: string;
}

/** A service the API can check (the broker of `up`, say); `probe` resolves to its health. */
export interface HealthProbe {
  name: string;
  probe(signal: AbortSignal): Promise<ServiceHealth>;
}

/** A rate sample older than this means the processor stopped publishing. */
const STALE_RATES_MS = 5_000;

export function liveRoutes(hub: LiveHub, probes: readonly HealthProbe[], clock: () => Date): RouteSpec[] {
  return [
    {
      path: '/rates',
      operationId: 'rates',
      summary:
        "The processor's rates, one sample a second for the last 15 minutes (empty when it runs in another process)",
      parameters: [],
      response: 'RatesList',
      handler: async () => {
        const items = hub.rates();
        return { count: items.length, items };
      },
    },
    {
      path: '/dead-letters',
      operationId: 'deadLetters',
      summary: `The latest messages of the dead-letter topic, newest first, as the processor sent them`,
      parameters: [integerParameter('limit', { min: 1, max: 500, default: 100 }, 'at most this many')],
      response: 'DeadLetterList',
      handler: async (_read, v) => {
        const items = hub.deadLetters(v.limit as number);
        return { count: items.length, source: hub.source, items };
      },
    },
    {
      path: '/services',
      operationId: 'services',
      summary: 'Health of each service: the API, DynamoDB, the processor (by its live feed) and more',
      parameters: [],
      response: 'ServiceList',
      handler: async (read) => {
        const checks = await Promise.all([
          dynamoHealth(read),
          ...probes.map((p) =>
            p.probe(read.signal ?? AbortSignal.timeout(2_000)).catch((err: unknown): ServiceHealth => ({
              name: p.name,
              status: 'down',
              detail: err instanceof Error ? err.message : String(err),
            })),
          ),
        ]);
        const items = [
          { name: 'api', status: 'ok', detail: `serving; ${hub.clients} live stream client(s)` },
          ...checks,
          processorHealth(hub, clock()),
        ];
        return { count: items.length, items };
      },
    },
  ];
}

async function dynamoHealth(read: ReadContext): Promise<ServiceHealth> {
  try {
    await read.client.send(new DescribeTableCommand({ TableName: read.tables.rawEvents }), {
      abortSignal: read.signal,
    });
    return { name: 'dynamodb', status: 'ok', detail: `table ${read.tables.rawEvents} answers` };
  } catch (err) {
    return { name: 'dynamodb', status: 'down', detail: err instanceof Error ? err.message : String(err) };
  }
}

function processorHealth(hub: LiveHub, now: Date): ServiceHealth {
  if (hub.source === 'tables')
    return {
      name: 'processor',
      status: 'unknown',
      detail: 'runs in another process: the console polls the tables; see its /metrics',
    };
  const last = hub.lastRatesAt();
  if (hub.source === 'none' || last === undefined)
    return { name: 'processor', status: 'unknown', detail: 'no live feed yet' };
  const age = now.getTime() - Date.parse(last);
  return age <= STALE_RATES_MS
    ? { name: 'processor', status: 'ok', detail: 'publishing rates every second' }
    : { name: 'processor', status: 'down', detail: `silent for ${Math.round(age / 1000)} s` };
}
