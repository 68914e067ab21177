import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Config } from '../config/settings.js';
import { isExpectedError, ServiceError, UserError } from '../errors.js';
import { configuredEndpoint } from './aws-endpoint.js';
import { createDynamoClient } from './dynamodb.js';
import { connectionCode, REACH_CODES } from './socket-error.js';

/**
 * The AWS control-plane clients of `deploy`, `status` and `teardown`: the one place they are built and
 * their failures translated. Each client takes the region, the shared-config profile and the SDK's
 * standard endpoint settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, read from the environment the
 * CLI was given), so the tool runs against any AWS-compatible endpoint. Every request's failure passes
 * through {@link translateAwsError} once, here.
 */

export interface AwsClients {
  ec2: EC2Client;
  iam: IAMClient;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  tagging: ResourceGroupsTaggingAPIClient;
  dynamo: DynamoDBClient;
  /** Releases the clients' sockets. */
  destroy(): void;
}

export type AwsTarget = Pick<Config, 'region' | 'profile' | 'target' | 'endpoint'>;

/** A service's SDK id (for AWS_ENDPOINT_URL_<ID>) and its IAM action prefix. */
export const SERVICES = {
  ec2: { envId: 'EC2', prefix: 'ec2' },
  iam: { envId: 'IAM', prefix: 'iam' },
  ssm: { envId: 'SSM', prefix: 'ssm' },
  secrets: { envId: 'SECRETS_MANAGER', prefix: 'secretsmanager' },
  tagging: { envId: 'RESOURCE_GROUPS_TAGGING_API', prefix: 'tag' },
  dynamo: { envId: 'DYNAMODB', prefix: 'dynamodb' },
} as const;
export type ServiceKey = keyof typeof SERVICES;

/**
 * The endpoint a service's client uses: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true (the SDK's own rules, applied to the CLI's environment).
 */
export function endpointFor(
  service: ServiceKey,
  env: Record<string, string | undefined>,
): string | undefined {
  return configuredEndpoint(SERVICES[service].envId, env);
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export async function createAwsClients(
  config: AwsTarget,
  env: Record<string, string | undefined>,
): Promise<AwsClients> {
  if (!REGION.test(config.region)) {
    throw new UserError(`region "${config.region}" is not an AWS region name`, {
      hint: 'pass a region such as us-east-2 (--region)',
    });
  }
  const [
    { EC2Client },
    { IAMClient },
    { SSMClient },
    { SecretsManagerClient },
    { ResourceGroupsTaggingAPIClient },
  ] = await Promise.all([
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-ssm'),
    import('@aws-sdk/client-secrets-manager'),
    import('@aws-sdk/client-resource-groups-tagging-api'),
  ]);
  const settings = (service: ServiceKey) => ({
    region: config.region,
    ...(config.profile ? { profile: config.profile } : {}),
    ...(endpointFor(service, env) ? { endpoint: endpointFor(service, env) } : {}),
    maxAttempts: 4,
  });
  const dynamoEndpoint =
    endpointFor('dynamo', env) ?? (config.target === 'aws' ? config.endpoint : undefined);
  const clients = {
    ec2: translating(new EC2Client(settings('ec2')), 'ec2', config.region),
    iam: translating(new IAMClient(settings('iam')), 'iam', config.region),
    ssm: translating(new SSMClient(settings('ssm')), 'ssm', config.region),
    secrets: translating(new SecretsManagerClient(settings('secrets')), 'secrets', config.region),
    tagging: translating(new ResourceGroupsTaggingAPIClient(settings('tagging')), 'tagging', config.region),
    dynamo: translating(
      createDynamoClient({
        target: 'aws',
        region: config.region,
        profile: config.profile,
        endpoint: dynamoEndpoint,
      }),
      'dynamo',
      config.region,
    ),
  };
  return {
    ...clients,
    destroy() {
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}

interface Sendable {
  send(command: unknown, ...rest: unknown[]): Promise<unknown>;
}

/**
 * Routes the client's `send` through the translation. It calls the prototype's send at call time, so a
 * stubbed prototype (aws-sdk-client-mock in tests) is translated exactly like the real one.
 */
export function translating<C>(client: C, service: ServiceKey, region: string): C {
  const target = client as unknown as Sendable;
  const proto = Object.getPrototypeOf(client) as Sendable;
  target.send = async (command: unknown, ...rest: unknown[]) => {
    try {
      return await proto.send.call(client, command, ...rest);
    } catch (err) {
      throw translateAwsError(err, { service, region, command });
    }
  };
  return client;
}

export interface FailedCall {
  service: ServiceKey;
  region: string;
  command?: unknown;
}

const CREDENTIALS_MISSING = new Set(['CredentialsProviderError', 'CredentialsError']);
const CREDENTIALS_EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'TokenRefreshRequired',
]);
const CREDENTIALS_REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
]);
const NOT_AUTHORISED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);

/** Regions that exist (for telling "unknown region" from "no network" when a name does not resolve). */
export const KNOWN_REGIONS = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
]);

/** The IAM action a command needs: `ec2:RunInstances` for RunInstancesCommand. */
export function actionOf(call: FailedCall): string {
  const name = (call.command as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? '';
  return `${SERVICES[call.service].prefix}:${name.replace(/Command$/, '') || 'unknown'}`;
}

/**
 * Turns the failures a user can act on into one line with what to do; returns anything else unchanged
 * (callers handle the service's own conditions: NotFound, DependencyViolation, …).
 */
export function translateAwsError(err: unknown, call: FailedCall): unknown {
  if (isExpectedError(err)) return err;
  const e = err as {
    name?: string;
    code?: string;
    hostname?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  } | null;
  const name = e?.name ?? '';
  const input = (call.command as { input?: Record<string, unknown> } | undefined)?.input ?? {};
  if (CREDENTIALS_MISSING.has(name)) {
    return new UserError('no AWS credentials found', {
      hint: 'run `aws configure` (or `aws sso login`), set AWS_PROFILE, or pass --profile',
      cause: err,
    });
  }
  if (CREDENTIALS_EXPIRED.has(name)) {
    return new UserError(`the AWS credentials have expired (${name})`, {
      hint: 'refresh them (e.g. `aws sso login`) and run the command again',
      cause: err,
    });
  }
  if (CREDENTIALS_REJECTED.has(name)) {
    return new UserError(`AWS rejected the credentials in ${call.region} (${name})`, {
      hint: 'check the profile (--profile) and that the region is enabled for the account',
      cause: err,
    });
  }
  if (NOT_AUTHORISED.has(name)) {
    const action = actionOf(call);
    return new UserError(`not authorised to call ${action} (${name})`, {
      hint: `grant ${action} to your AWS identity (docs/deploy.md lists what deploy needs), or use another --profile`,
      cause: err,
    });
  }
  const type = typeof input.InstanceType === 'string' ? input.InstanceType : 'this instance type';
  if (name === 'VcpuLimitExceeded' || name === 'InstanceLimitExceeded') {
    return new UserError(
      `the account's vCPU limit in ${call.region} leaves no room for a ${type} (${name})`,
      {
        hint: 'use a smaller --instance-type (t3.micro), stop other instances, or request a quota increase',
        cause: err,
      },
    );
  }
  if (name === 'InsufficientInstanceCapacity') {
    return new ServiceError(`AWS has no ${type} capacity in ${call.region} right now (${name})`, {
      hint: 'try another --instance-type (e.g. t3.medium), or run deploy again later',
      cause: err,
    });
  }
  const code = connectionCode(err, REACH_CODES);
  if (code) {
    if (code === 'ENOTFOUND' && !KNOWN_REGIONS.has(call.region)) {
      return new UserError(
        `region ${call.region} is unknown (cannot resolve ${e?.hostname ?? 'its endpoint'})`,
        {
          hint: 'pass an existing region such as us-east-2 (--region)',
          cause: err,
        },
      );
    }
    return new ServiceError(`cannot reach ${SERVICES[call.service].prefix} in ${call.region} (${code})`, {
      hint: 'check the network, the region and any AWS_ENDPOINT_URL setting',
      cause: err,
    });
  }
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return new ServiceError(`${actionOf(call)} failed on AWS's side (${name || status})`, {
      hint: 'run the command again; it converges from where it stopped',
      cause: err,
    });
  }
  return err;
}

/** The error's service code, looking through a translation to its cause. */
export function awsErrorName(err: unknown): string {
  for (
    let e = err as { name?: string; cause?: unknown } | undefined;
    e && typeof e === 'object';
    e = e.cause as typeof e
  ) {
    if (e.name && e.name !== 'UserError' && e.name !== 'ServiceError') return e.name;
  }
  return '';
}

/** The caller's public IPv4 address (for the default --allow-cidr), or undefined if it cannot be found. */
export async function findPublicAddress(signal?: AbortSignal): Promise<string | undefined> {
  try {
    const res = await fetch('https://checkip.amazonaws.com/', {
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(3000)]) : AbortSignal.timeout(3000),
    });
    const text = (await res.text()).trim();
    return res.ok && /^\d{1,3}(\.\d{1,3}){3}$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** True for "no credentials" (also once translated): a dry run then plans for an empty account. */
export function isMissingCredentials(err: unknown): boolean {
  return CREDENTIALS_MISSING.has(awsErrorName(err));
}
