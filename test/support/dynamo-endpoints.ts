/**
 * One suite, two endpoints: every DynamoDB test runs against dynalite (in-process, in memory) and
 * DynamoDB Local (AWS's own emulator, a Java process), so a behaviour that only one of them has cannot
 * hide. Each endpoint starts once per test file, in beforeAll, and stops in afterAll.
 *
 *   const endpoints = dynamoEndpoints();
 *   for (const ep of endpoints) describe.skipIf(ep.skip)(ep.name, () => { it('…', () => ep.client …) });
 *
 * DynamoDB Local is skipped only when java is missing and CI is not 'true'.
 */
import { spawnSync } from 'node:child_process';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { Config } from '../../src/config/settings.js';
import { startDynalite, startDynamoDbLocal } from './dynamo-servers.js';

export { startDynalite, startDynamoDbLocal, type StartedEndpoint } from './dynamo-servers.js';

export type EndpointName = 'dynalite' | 'dynamodb-local';

export interface DynamoEndpoint {
  name: EndpointName;
  /** True when this endpoint cannot run here (DynamoDB Local without java, outside CI). */
  skip: boolean;
  /** Available inside tests (after beforeAll). */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A full local-target Config pointing at this endpoint, with a prefix unique to this file. */
  readonly config: Config;
}

let prefixCounter = 0;
/** A table prefix no other test in this process uses. */
export function freshPrefix(label = 't'): string {
  prefixCounter += 1;
  return `${label}${process.pid}-${prefixCounter}-`;
}

/** A local-target Config for an endpoint URL. */
export function configFor(endpoint: string, flags: Record<string, unknown> = {}): Config {
  return resolveConfig({ flags: { target: 'local', endpoint, prefix: freshPrefix(), ...flags }, env: {} })
    .values;
}

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

export function dynamoEndpoints(names: EndpointName[] = ['dynalite', 'dynamodb-local']): DynamoEndpoint[] {
  const skipLocal = !javaAvailable() && process.env.CI !== 'true';
  return names.map((name) => {
    const state: { endpoint?: string; client?: DynamoDBClient; config?: Config; stop?: () => Promise<void> } =
      {};
    const skip = name === 'dynamodb-local' && skipLocal;
    if (!skip) {
      beforeAll(async () => {
        const started = name === 'dynalite' ? await startDynalite() : await startDynamoDbLocal();
        state.endpoint = started.endpoint;
        state.stop = started.stop;
        state.config = configFor(started.endpoint);
        state.client = createDynamoClient(state.config);
      });
      afterAll(async () => {
        state.client?.destroy();
        await state.stop?.();
      });
    }
    const get = <K extends 'endpoint' | 'client' | 'config'>(key: K) => {
      const value = state[key];
      if (value === undefined) throw new Error(`${name} is not started (use it inside a test or hook)`);
      return value as NonNullable<(typeof state)[K]>;
    };
    return {
      name,
      skip,
      get endpoint() {
        return get('endpoint');
      },
      get client() {
        return get('client');
      },
      get config() {
        return get('config');
      },
    };
  });
}
