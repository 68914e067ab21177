import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type pg from 'pg';
import type { Config } from '../config/settings.js';

/**
 * The local stack as a list of services, started in order and stopped in reverse. Each service reads
 * what the earlier ones published in the shared {@link StackState} (the embedded DynamoDB publishes its
 * endpoint and a client; a broker would publish its address) and may publish more. The broker, the
 * producer and the processor join as further entries of the same list.
 */

export interface StackState {
  /** The configuration, with `endpoint` (and later `brokers`) pointing at what the stack started. */
  config: Config;
  /** Absolute data directory of the embedded engines. */
  dataDir: string;
  /** A DynamoDB client for the stack's endpoint, once DynamoDB is up. */
  dynamo?: DynamoDBClient;
  /**
   * The environment PostgreSQL's password is read from (PGPASSWORD, PGPASSFILE); the embedded PostgreSQL
   * replaces it with its own password file.
   */
  env?: Record<string, string | undefined>;
  /** A pool on the clickstream's PostgreSQL, once it is up (`up --workload clickstream`). */
  postgres?: pg.Pool;
  signal: AbortSignal;
  /** Progress and notes (stderr). */
  info(message: string): void;
}

export interface RunningService {
  name: string;
  /** Where it listens (a URL or host:port), if it listens. */
  address?: string;
  /** One line for the user: what it is or did. */
  summary: string;
  stop(): Promise<void>;
}

export interface StackService {
  name: string;
  start(state: StackState): Promise<RunningService>;
}

export interface RunningStack {
  services: RunningService[];
  /** Stops every service in reverse order; all are stopped even if one fails (the first error is thrown). */
  stop(): Promise<void>;
}

/** Starts services in order; if one fails, stops the ones already running (in reverse) and rethrows. */
export async function startStack(
  services: readonly StackService[],
  state: StackState,
): Promise<RunningStack> {
  const running: RunningService[] = [];
  const stop = async () => {
    let first: unknown;
    for (const service of [...running].reverse()) {
      try {
        await service.stop();
      } catch (err) {
        first ??= err;
      }
    }
    running.length = 0;
    if (first !== undefined) throw first;
  };
  try {
    for (const service of services) {
      if (state.signal.aborted) break;
      state.info(`starting ${service.name}…`);
      running.push(await service.start(state));
    }
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return { services: [...running], stop };
}
