import { SEVERITIES } from '../../config/settings.js';
import { tableDefinition, type TableKind } from '../../store/table-definitions.js';
import { HOURS_PER_MONTH, PRICES, PRICES_DATE } from './prices.js';
import { ROOT_VOLUME_GB, type DesiredStack } from './stack-spec.js';

/**
 * The monthly cost estimate of a stack, pure: the instance's hours, its root volume and public address,
 * the secret, and DynamoDB on-demand writes and storage at the producer's rate, from the dated table in
 * prices.ts. Writes per event are counted from the table layout (docs/data-model.md): each item write
 * costs one write request unit (items stay under 1 KB) plus one per global secondary index it lands in.
 */

export interface CostInputs {
  ttlDays: number;
  windowMinutes: number;
  alertSeverities: readonly string[];
  /** Cities the producer generates (the generator's default six). */
  cities?: number;
}

export interface CostLine {
  item: string;
  quantity: string;
  unitPrice: string;
  monthly: number;
}

export interface CostEstimate {
  region: string;
  date: string;
  /** False when the region is not in the price table. */
  available: boolean;
  lines: CostLine[];
  total: number;
  writesPerEvent: number;
  eventsPerMonth: number;
  note: string;
}

export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** A raw event or alert item with DynamoDB's 100-byte per-item overhead; one copy per index too. */
export const EVENT_ITEM_BYTES = 450;
/** A window or rollup item with a few per-partition contribution entries. */
export const WINDOW_ITEM_BYTES = 800;
const EVENT_TYPES = 4;

/** Global secondary indexes of a table, from its definition. */
export function indexCount(kind: TableKind): number {
  return tableDefinition('', kind, { mode: 'on-demand' }).GlobalSecondaryIndexes?.length ?? 0;
}

export interface WriteCount {
  what: string;
  /** Writes of this kind per event (a fraction for alerts). */
  writes: number;
  /** Write request units per such write: the item plus its indexes. */
  units: number;
}

/**
 * Per valid event the processor writes: the raw item; an alert when its severity raises one; an update
 * of its window; updates of its city's and the all-cities rollup rows. An upper bound: updates of the
 * same window or rollup row within one batch are coalesced into one.
 */
export function writesPerEvent(alertSeverities: readonly string[]): WriteCount[] {
  const alertFraction = alertSeverities.length / SEVERITIES.length; // the producer's uniform severity mix
  return [
    { what: 'raw event put', writes: 1, units: 1 + indexCount('raw-events') },
    { what: 'alert put (severe events)', writes: alertFraction, units: 1 + indexCount('alerts') },
    { what: 'window update', writes: 1, units: 1 + indexCount('aggregations') },
    { what: 'rollup updates (city, all cities)', writes: 2, units: 1 + indexCount('rollups') },
  ];
}

export function estimateCost(stack: DesiredStack, inputs: CostInputs): CostEstimate {
  const prices = PRICES[stack.region];
  const counts = writesPerEvent(inputs.alertSeverities);
  const perEvent = counts.reduce((n, c) => n + c.writes * c.units, 0);
  const rate = stack.producer ? stack.rate : 0;
  const eventsPerMonth = rate * SECONDS_PER_MONTH;
  const base = { region: stack.region, date: PRICES_DATE, writesPerEvent: perEvent, eventsPerMonth };
  const hourly = prices?.ec2Hourly[stack.instanceType];
  if (!prices || hourly === undefined) {
    return {
      ...base,
      available: false,
      lines: [],
      total: 0,
      note: `no prices for ${stack.instanceType} in ${stack.region} in the table of ${PRICES_DATE} (known: ${Object.keys(PRICES).join(', ')})`,
    };
  }
  const writeUnits = eventsPerMonth * perEvent;
  const storageGb = storageGbMonth(rate, inputs);
  const lines: CostLine[] = [
    line(
      `EC2 ${stack.instanceType} (on-demand)`,
      `${HOURS_PER_MONTH} h`,
      `$${hourly}/h`,
      HOURS_PER_MONTH * hourly,
    ),
    line(
      `EBS gp3 root volume`,
      `${ROOT_VOLUME_GB} GB`,
      `$${prices.gp3GbMonth}/GB-month`,
      ROOT_VOLUME_GB * prices.gp3GbMonth,
    ),
    line(
      'public IPv4 address',
      `${HOURS_PER_MONTH} h`,
      `$${prices.publicIpv4Hourly}/h`,
      HOURS_PER_MONTH * prices.publicIpv4Hourly,
    ),
    line('Secrets Manager secret', '1 secret', `$${prices.secretMonth}/secret-month`, prices.secretMonth),
    line(
      'DynamoDB writes (on-demand)',
      `${millions(writeUnits)}M WRU (${rate}/s × ${perEvent} per event)`,
      `$${prices.dynamoWriteMillion}/million`,
      (writeUnits / 1e6) * prices.dynamoWriteMillion,
    ),
    line(
      'DynamoDB storage',
      `${storageGb.toFixed(2)} GB`,
      `$${prices.dynamoStorageGbMonth}/GB-month`,
      storageGb * prices.dynamoStorageGbMonth,
    ),
  ];
  const total = round2(lines.reduce((n, l) => n + l.monthly, 0));
  return {
    ...base,
    available: true,
    lines,
    total,
    note: `estimate from list prices of ${PRICES_DATE} (${stack.region}, on-demand, no free tier, reads not included)`,
  };
}

/**
 * Storage once the stack has run for its TTL: raw events and alerts of the last ttlDays (with their
 * index copies), plus a month of windows per city and type (windows are not expired).
 */
export function storageGbMonth(rate: number, inputs: CostInputs): number {
  const kept = rate * inputs.ttlDays * 86_400;
  const alertFraction = inputs.alertSeverities.length / SEVERITIES.length;
  const eventBytes =
    kept * EVENT_ITEM_BYTES * (1 + indexCount('raw-events')) +
    kept * alertFraction * EVENT_ITEM_BYTES * (1 + indexCount('alerts'));
  const windowsPerMonth =
    (inputs.cities ?? 6) * EVENT_TYPES * ((HOURS_PER_MONTH * 60) / inputs.windowMinutes);
  const windowBytes = rate > 0 ? windowsPerMonth * WINDOW_ITEM_BYTES * (1 + indexCount('aggregations')) : 0;
  return (eventBytes + windowBytes) / 1e9;
}

function line(item: string, quantity: string, unitPrice: string, monthly: number): CostLine {
  return { item, quantity, unitPrice, monthly: round2(monthly) };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function millions(n: number): string {
  return (n / 1e6).toFixed(1);
}
