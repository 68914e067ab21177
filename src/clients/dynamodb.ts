import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config/settings.js';
import { isExpectedError, ServiceError, UserError } from '../errors.js';
import { connectionCode } from './socket-error.js';

/** The part of the configuration that decides where DynamoDB requests go. */
export type DynamoTarget = Pick<Config, 'target' | 'region' | 'profile' | 'endpoint'> &
  Partial<Pick<Config, 'dynamoPort'>>;

/** The embedded DynamoDB's port when the configuration does not say (the setting's default). */
const DEFAULT_DYNAMO_PORT = 8000;

/**
 * True when requests go where `citystream up` starts its embedded DynamoDB: the local target with the
 * endpoint it derives from `dynamoPort` (or that very address given by hand). Only then is "start the
 * local stack" the right advice when nothing answers.
 */
export function isEmbeddedEndpoint(config: DynamoTarget): boolean {
  if (config.target !== 'local') return false;
  if (config.endpoint === undefined) return true;
  const port = config.dynamoPort ?? DEFAULT_DYNAMO_PORT;
  const url = config.endpoint.replace(/\/+$/, '');
  return url === `http://127.0.0.1:${port}` || url === `http://localhost:${port}`;
}

export interface DynamoClientOptions {
  /** The SDK's own attempts per request (it retries throttling and dropped connections); default 3. */
  maxAttempts?: number;
  /**
   * Requests this client has in flight at most; more wait their turn. One bound for all callers (the
   * processor's partitions and writers), where per-caller bounds would multiply. Default: unbounded.
   */
  maxInFlight?: number;
  /**
   * A request whose connection stays silent this long is ended (the SDK's `requestTimeout`), for callers
   * that answer by a deadline of their own instead of handing each request an abort signal (the API).
   * Default: none.
   */
  requestTimeoutMs?: number;
}

/**
 * The one place a DynamoDB client is built.
 * - local target: the configured endpoint, region `local`, fixed dummy credentials (the embedded engines
 *   accept any; they are not secrets and nothing real can be reached with them; DynamoDB Local accepts
 *   only letters and digits in the key id).
 * - aws target: region and profile, credentials from the SDK's standard chain; `--endpoint` if given.
 * Every request's failure passes through {@link translateDynamoError}, so callers see a UserError or
 * ServiceError for the failures a user can act on, and the SDK's own exceptions for everything else
 * (conditional-check failures, throttling) that callers handle themselves.
 */
export function createDynamoClient(config: DynamoTarget, options: DynamoClientOptions = {}): DynamoDBClient {
  const settings: DynamoDBClientConfig = {
    maxAttempts: options.maxAttempts ?? 3,
    // Resolve each command's middleware stack once per client instead of on every request: 22% less
    // client CPU per PutItem (bench/dynamodb-client.ts). Every middleware citystream adds is added here,
    // before the first request, which is what the cache requires.
    cacheMiddleware: true,
    ...(options.requestTimeoutMs !== undefined && {
      // Without throwOnRequestTimeout the SDK only logs a warning when the time is up.
      requestHandler: { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true },
    }),
  };
  if (config.target === 'local') {
    settings.endpoint = config.endpoint;
    settings.region = 'local';
    settings.credentials = { accessKeyId: 'citystreamlocal', secretAccessKey: 'citystreamlocal' };
    // An explicit endpoint has no account-based form; 'disabled' spares the endpoint rules the account
    // id of every request (5–25% of the client's CPU per PutItem against the embedded engine).
    settings.accountIdEndpointMode = 'disabled';
  } else {
    settings.region = config.region;
    if (config.profile) settings.profile = config.profile;
    if (config.endpoint) settings.endpoint = config.endpoint;
  }
  const client = new DynamoDBClient(settings);
  // The SDK's logger middleware redacts every request and response (a walk over each item of every
  // Query) to hand them to the logger, and the default no-op logger still has an `info` method, so the
  // walk runs and its result is thrown away: ~12% of the API's CPU on list reads. citystream never gives
  // the SDK a logger, so the middleware can only cost.
  client.middlewareStack.remove('loggerMiddleware');
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        throw translateDynamoError(err, config, tableOf(args.input, context.commandName));
      }
    },
    { step: 'initialize', name: 'citystreamErrorTranslation', priority: 'high' },
  );
  if (options.maxInFlight !== undefined) {
    const slots = inFlightLimit(options.maxInFlight);
    client.middlewareStack.add(
      (next) => async (args) => {
        const release = await slots.acquire();
        try {
          return await next(args);
        } finally {
          release();
        }
      },
      { step: 'initialize', name: 'citystreamInFlightLimit', priority: 'low' },
    );
  }
  return client;
}

/** A counting semaphore: `acquire()` resolves with a release function once a slot is free (FIFO). */
function inFlightLimit(max: number): { acquire(): Promise<() => void> } {
  let free = Math.max(1, max);
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return {
    acquire() {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => waiting.push(() => resolve(release)));
    },
  };
}

/** Where requests go, for messages: the endpoint URL, or the regional service. */
export function describeEndpoint(config: DynamoTarget): string {
  if (config.endpoint) return config.endpoint;
  return `DynamoDB in ${config.region}`;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
]);

/**
 * Turns the failures a user can act on into one-line errors; returns anything else unchanged.
 * Exported for callers that catch errors from other layers (e.g. a wrapped promise) too.
 */
export function translateDynamoError(err: unknown, config: DynamoTarget, table?: string): unknown {
  if (isExpectedError(err)) return err;
  const code = connectionCode(err);
  if (code !== undefined) {
    const where = describeEndpoint(config);
    if (config.target === 'local' && code === 'ECONNREFUSED') {
      return new UserError(`nothing is listening on ${where}`, {
        hint: isEmbeddedEndpoint(config)
          ? 'start the local stack with `citystream up`'
          : 'start DynamoDB there, or correct --endpoint',
        cause: err,
      });
    }
    return new ServiceError(`cannot reach ${where} (${code})`, {
      hint: 'check the endpoint, the region and your network',
      cause: err,
    });
  }
  const name = (err as { name?: string } | null)?.name ?? '';
  if (CREDENTIAL_ERRORS.has(name)) {
    return new UserError(`AWS credentials are missing or were rejected (${name})`, {
      hint: 'configure credentials (aws configure, AWS_PROFILE or --profile) for the aws target',
      cause: err,
    });
  }
  if (name === 'ResourceNotFoundException') {
    const what = table ? `table ${table} does not exist` : 'a table does not exist';
    return new UserError(`${what} on ${describeEndpoint(config)}`, {
      hint: 'create the tables with `citystream tables create`',
      cause: err,
    });
  }
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500 && !isRetryableName(name)) {
    return new ServiceError(`DynamoDB (${describeEndpoint(config)}) failed: ${name || status}`, {
      cause: err,
    });
  }
  return err;
}

/** Throttling and server-side failures (also once translated to a ServiceError): worth retrying with backoff. */
export function isRetryableDynamoError(err: unknown): boolean {
  const e = err as { name?: string } | null;
  if (isRetryableName(e?.name ?? '')) return true;
  return httpStatusOf(err) >= 500;
}

/** The HTTP status of a failed request, looking through translated errors to their cause; 0 if none. */
export function httpStatusOf(err: unknown): number {
  for (
    let e = err as { $metadata?: { httpStatusCode?: number }; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e !== 'object') break;
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined) return status;
  }
  return 0;
}

function isRetryableName(name: string): boolean {
  return (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded' ||
    name === 'InternalServerError' ||
    name === 'ServiceUnavailable'
  );
}

/** The table a request addressed, to name it in a "does not exist" message. */
function tableOf(input: unknown, _command?: string): string | undefined {
  const i = input as { TableName?: string; RequestItems?: Record<string, unknown> } | undefined;
  if (i?.TableName) return i.TableName;
  if (i?.RequestItems) return Object.keys(i.RequestItems).join(', ');
  return undefined;
}

/** True when a request failed because its table does not exist (also once translated to a UserError). */
export function isTableMissing(err: unknown): boolean {
  for (let e = err as { name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.name === 'ResourceNotFoundException') return true;
    if (typeof e !== 'object') break;
  }
  return false;
}
