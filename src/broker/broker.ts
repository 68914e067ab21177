import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiHandlers, versionRanges } from './api-registry.js';
import { defaultBrokerConfig } from './broker-config.js';
import type { BrokerConfig, BrokerState } from './broker-state.js';
import { GroupCoordinator, type GroupCoordinatorOptions } from './group/group-coordinator.js';
import { OffsetLogStore } from './group/offset-log-store.js';
import { TopicStore } from './log/topic-store.js';
import { listen } from './server/server.js';

export interface BrokerOptions extends Partial<BrokerConfig> {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one (the running broker reports it). Default 9092. */
  port?: number;
  /** Where topics and committed offsets live; created if missing. */
  dataDir: string;
  /** Partitions of auto-created topics (alias of defaultPartitions). */
  partitions?: number;
  /** Host name returned to clients in Metadata; default: `host`. */
  advertisedHost?: string;
  /** Where the broker's log lines go; default: nowhere. */
  log?: (line: string) => void;
  /** Consumer-group settings: session timeout bounds (6 s..30 min) and initial rebalance delay (0). */
  groups?: Pick<
    GroupCoordinatorOptions,
    'minSessionTimeoutMs' | 'maxSessionTimeoutMs' | 'initialRebalanceDelayMs'
  >;
}

export interface RunningBroker {
  host: string;
  port: number;
  dataDir: string;
  /** "host:port", for a client's bootstrap list. */
  bootstrap: string;
  /** Stops listening, closes connections, the coordinator and the log (synced). Safe to call twice. */
  close(): Promise<void>;
}

const NODE_ID = 0;
const RETENTION_CHECK_MS = 5 * 60 * 1000;

/** Starts the embedded broker. Everything it needs is in `options`; it reads no environment. */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const {
    host = '127.0.0.1',
    port = 9092,
    dataDir,
    partitions,
    advertisedHost,
    log = () => {},
    groups,
    ...rest
  } = options;
  const config: BrokerConfig = { ...defaultBrokerConfig, ...definedOnly(rest) };
  if (partitions !== undefined) config.defaultPartitions = partitions;
  await mkdir(dataDir, { recursive: true });
  const topics = await TopicStore.open(dataDir, config, log);
  const state: BrokerState = {
    nodeId: NODE_ID,
    host: advertisedHost ?? host,
    port,
    clusterId: await clusterId(dataDir),
    dataDir,
    config,
    topics,
    // Committed offsets live next to the topics, in <dataDir>/consumer-offsets.log.
    groups: new GroupCoordinator({ ...groups, offsets: await OffsetLogStore.open(dataDir, { log }) }),
    apiVersions: versionRanges(apiHandlers),
    log,
  };
  let server;
  try {
    server = await listen(host, port, apiHandlers, state);
  } catch (err) {
    await topics.close();
    await state.groups.close();
    throw err;
  }
  state.port = server.port;
  const timers = startTimers(state);
  let closing: Promise<void> | null = null;
  return {
    host: server.host,
    port: server.port,
    dataDir,
    bootstrap: `${server.host}:${server.port}`,
    close: () =>
      (closing ??= (async () => {
        for (const t of timers) clearInterval(t);
        await server.close();
        await state.groups.close();
        await topics.close();
      })()),
  };
}

function startTimers(state: BrokerState): NodeJS.Timeout[] {
  const timers: NodeJS.Timeout[] = [];
  const retention = (): void => {
    state.topics.applyRetention().catch((err: Error) => state.log(`retention failed: ${err.message}`));
  };
  retention();
  timers.push(setInterval(retention, Math.min(RETENTION_CHECK_MS, Math.max(1000, state.config.retentionMs))));
  if (state.config.fsync === 'interval') {
    const sync = (): void => {
      for (const log of state.topics.allPartitions()) log.sync().catch(() => undefined);
    };
    timers.push(setInterval(sync, state.config.fsyncIntervalMs));
  }
  for (const t of timers) t.unref();
  return timers;
}

/** A cluster id that stays the same for a data directory, as Kafka's meta.properties does. */
async function clusterId(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'cluster-id');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const id = randomUUID();
    await writeFile(file, `${id}\n`);
    return id;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
