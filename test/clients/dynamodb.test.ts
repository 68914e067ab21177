import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  createDynamoClient,
  isRetryableDynamoError,
  isTableMissing,
  translateDynamoError,
  type DynamoTarget,
} from '../../src/clients/dynamodb.js';
import { ServiceError, UserError } from '../../src/errors.js';
import { waitFor } from '../support/wait-for.js';

const local: DynamoTarget = { target: 'local', region: 'us-east-2', endpoint: 'http://127.0.0.1:8000' };
const aws: DynamoTarget = { target: 'aws', region: 'eu-west-1' };
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });

describe('DynamoDB error translation', () => {
  it('says nothing is listening on the local target, and to run citystream up', () => {
    const err = translateDynamoError(refused, local) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('nothing is listening on http://127.0.0.1:8000');
    expect(err.hint).toBe('start the local stack with `citystream up`');
    expect(err.cause).toBe(refused);
  });

  it('suggests citystream up only for the embedded endpoint', () => {
    const given = { ...local, endpoint: 'http://127.0.0.1:8100', dynamoPort: 8000 };
    expect((translateDynamoError(refused, given) as UserError).hint).toBe(
      'start DynamoDB there, or correct --endpoint',
    );
    const moved = { ...local, endpoint: 'http://127.0.0.1:8100', dynamoPort: 8100 };
    expect((translateDynamoError(refused, moved) as UserError).hint).toContain('citystream up');
  });

  it('finds the code inside an AggregateError (several addresses tried)', () => {
    const aggregate = Object.assign(new AggregateError([refused], 'connect failed'), { code: undefined });
    expect((translateDynamoError(aggregate, local) as Error).message).toContain('nothing is listening');
  });

  it('is a ServiceError on aws and on other endpoints', () => {
    const err = translateDynamoError(
      Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
      aws,
    ) as ServiceError;
    expect(err).toBeInstanceOf(ServiceError);
    expect(err.message).toBe('cannot reach DynamoDB in eu-west-1 (ENOTFOUND)');
  });

  it('turns missing or rejected credentials into a UserError with a hint', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const err = translateDynamoError(missing, aws) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('AWS credentials are missing or were rejected (CredentialsProviderError)');
    expect(err.hint).toContain('--profile');
  });

  it('names the missing table and suggests tables create', () => {
    const notFound = new ResourceNotFoundException({
      message: 'Requested resource not found',
      $metadata: {},
    });
    const err = translateDynamoError(notFound, aws, 'citystream-alerts') as UserError;
    expect(err.message).toBe('table citystream-alerts does not exist on DynamoDB in eu-west-1');
    expect(err.hint).toBe('create the tables with `citystream tables create`');
    expect(isTableMissing(err)).toBe(true);
  });

  it('passes other errors through unchanged', () => {
    const conditional = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(translateDynamoError(conditional, local)).toBe(conditional);
  });

  it('classifies throttling and 5xx as retryable, validation errors as not', () => {
    expect(isRetryableDynamoError({ name: 'ProvisionedThroughputExceededException' })).toBe(true);
    expect(isRetryableDynamoError({ name: 'ThrottlingException' })).toBe(true);
    expect(isRetryableDynamoError({ name: 'Whatever', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(
      isRetryableDynamoError(new ServiceError('x', { cause: { $metadata: { httpStatusCode: 500 } } })),
    ).toBe(true);
    expect(isRetryableDynamoError({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })).toBe(
      false,
    );
  });

  it('builds a local client with the endpoint, region local and dummy credentials', async () => {
    const client = createDynamoClient(local);
    expect(await client.config.region()).toBe('local');
    const credentials = await client.config.credentials();
    expect(credentials.accessKeyId).toMatch(/^[A-Za-z0-9]+$/);
    const endpoint = await client.config.endpoint?.();
    expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe('http://127.0.0.1:8000');
    expect(await client.config.accountIdEndpointMode()).toBe('disabled');
    client.destroy();
  });

  it('leaves out the SDK logger middleware, which walks every response for a logger citystream never sets', () => {
    const client = createDynamoClient(local);
    const names = client.middlewareStack.identify();
    expect(names.some((n) => n.startsWith('citystreamErrorTranslation'))).toBe(true);
    expect(names.some((n) => n.startsWith('loggerMiddleware'))).toBe(false);
    client.destroy();
  });

  it('builds an aws client for the region and profile', async () => {
    const client = createDynamoClient({ ...aws, profile: 'ops' });
    expect(await client.config.region()).toBe('eu-west-1');
    expect(client.config.profile).toBe('ops');
    client.destroy();
  });
});

describe('createDynamoClient maxInFlight', () => {
  it('holds the client to that many requests in flight; the others wait their turn', async () => {
    let open = 0;
    let most = 0;
    const held: Array<() => void> = [];
    const server = createServer((req, res) => {
      open += 1;
      most = Math.max(most, open);
      req.resume();
      held.push(() => {
        open -= 1;
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        res.end(JSON.stringify({ TableNames: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const client = createDynamoClient(
      { target: 'local', region: 'local', endpoint: `http://127.0.0.1:${port}` },
      { maxInFlight: 3, maxAttempts: 1 },
    );
    try {
      const calls = Array.from({ length: 10 }, () => client.send(new ListTablesCommand({})));
      let answered = 0;
      while (answered < 10) {
        await waitFor('requests to arrive', () => held.length > 0);
        held.shift()!();
        answered += 1;
      }
      expect((await Promise.all(calls)).every((r) => r.TableNames?.length === 0)).toBe(true);
      expect(most).toBe(3);
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('createDynamoClient request handling', () => {
  it('ends a request that hangs after requestTimeoutMs', async () => {
    const server = createServer((req) => req.resume()); // reads everything, answers nothing
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const endpoint = `http://127.0.0.1:${port}`;
    const client = createDynamoClient(
      { target: 'local', region: 'local', endpoint },
      { requestTimeoutMs: 200, maxAttempts: 1 },
    );
    try {
      const err = (await client.send(new ListTablesCommand({})).catch((e: unknown) => e)) as Error;
      // The SDK ends it with ETIMEDOUT, which the client's translation reports like any unreachable endpoint.
      expect(err).toBeInstanceOf(ServiceError);
      expect(err.message).toBe(`cannot reach ${endpoint} (ETIMEDOUT)`);
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('resolves each command middleware stack once (cacheMiddleware): all of it is added before the first request', () => {
    const client = createDynamoClient({ target: 'local', region: 'local', endpoint: 'http://127.0.0.1:1' });
    expect((client.config as { cacheMiddleware?: boolean }).cacheMiddleware).toBe(true);
    client.destroy();
  });
});
