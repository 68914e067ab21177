import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Config } from '../config/settings.js';
import { isExpectedError, ServiceError, UserError } from '../errors.js';
import { configuredEndpoint } from './aws-endpoint.js';
import { connectionCode, REACH_CODES } from './socket-error.js';

/**
 * The one place an S3 client is built (for the raw archive), and where its failures become one line.
 * - region and profile from the config (`--region`, `--profile`), credentials from the SDK's standard
 *   chain; keys in the CLI's environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)
 *   are that chain's first link, applied here from the environment the CLI was given.
 * - the endpoint: the SDK's standard AWS_ENDPOINT_URL_S3 (else AWS_ENDPOINT_URL); with one, requests use
 *   path-style addresses (`http://host:port/bucket/key`), which S3-compatible servers expect.
 * - requests to a bucket in another region follow S3's redirect.
 */
export type S3Target = Pick<Config, 'region' | 'profile'>;

/** What a failed request was about, for its message. */
export interface S3Place {
  bucket: string;
  prefix: string;
  region: string;
  /** The configured endpoint, when not AWS's own. */
  endpoint?: string;
}

export interface S3Connection {
  client: S3Client;
  place: S3Place;
}

export function createS3Client(
  target: S3Target,
  env: Record<string, string | undefined>,
  location: { bucket: string; prefix: string },
): S3Connection {
  const endpoint = configuredEndpoint('S3', env);
  const settings: S3ClientConfig = {
    region: target.region,
    maxAttempts: 5,
    followRegionRedirects: true,
  };
  if (target.profile) settings.profile = target.profile;
  else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    settings.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  if (endpoint) {
    settings.endpoint = endpoint;
    settings.forcePathStyle = true;
  }
  const place: S3Place = { ...location, region: target.region, ...(endpoint ? { endpoint } : {}) };
  const client = new S3Client(settings);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        throw translateS3Error(err, place, context.commandName);
      }
    },
    { step: 'initialize', name: 'citystreamS3ErrorTranslation', priority: 'high' },
  );
  return { client, place };
}

/** `s3://bucket/prefix`, and where it is when not on AWS. */
export function describeS3(place: S3Place): string {
  const url = `s3://${place.bucket}${place.prefix ? `/${place.prefix}` : ''}`;
  return place.endpoint ? `${url} at ${place.endpoint}` : `${url} (${place.region})`;
}

const CREDENTIALS_MISSING = new Set(['CredentialsProviderError', 'CredentialsError']);
const CREDENTIALS_REJECTED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'AuthorizationHeaderMalformed',
]);
const NOT_AUTHORISED = new Set(['AccessDenied', 'AllAccessDisabled', 'AccountProblem']);

/** Turns the failures a user can act on into one-line errors; returns anything else unchanged. */
export function translateS3Error(err: unknown, place: S3Place, command?: string): unknown {
  if (isExpectedError(err)) return err;
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  const name = e?.name ?? '';
  const where = describeS3(place);
  const action = `s3:${(command ?? '').replace(/Command$/, '').replace(/^ListObjectsV2$/, 'ListBucket') || 'request'}`;
  const code = connectionCode(err, REACH_CODES);
  if (code !== undefined) {
    if (place.endpoint && code === 'ECONNREFUSED')
      return new UserError(`nothing is listening on ${place.endpoint}, the S3 endpoint of the archive`, {
        hint: 'start the S3-compatible server there, or correct AWS_ENDPOINT_URL_S3',
        cause: err,
      });
    return new ServiceError(`cannot reach S3 for ${where} (${code})`, {
      hint: 'check the network, --region and any AWS_ENDPOINT_URL_S3 setting',
      cause: err,
    });
  }
  if (CREDENTIALS_MISSING.has(name))
    return new UserError('no AWS credentials found for the archive on S3', {
      hint: 'run `aws configure` (or `aws sso login`), set AWS_PROFILE or pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      cause: err,
    });
  if (CREDENTIALS_REJECTED.has(name))
    return new UserError(`S3 rejected the credentials for ${where} (${name})`, {
      hint: 'check the profile (--profile) or the keys, and that they have not expired',
      cause: err,
    });
  if (name === 'NoSuchBucket')
    return new UserError(`bucket ${place.bucket} does not exist (${where})`, {
      hint: 'create the bucket first, or correct the bucket in --archive',
      cause: err,
    });
  if (name === 'InvalidBucketName')
    return new UserError(`"${place.bucket}" is not a valid bucket name`, {
      hint: 'bucket names are 3-63 lower-case letters, digits, dots and hyphens',
      cause: err,
    });
  if (NOT_AUTHORISED.has(name))
    return new UserError(`not authorised to call ${action} on ${where} (${name})`, {
      hint: 'the archive needs s3:ListBucket, s3:PutObject and s3:DeleteObject on the bucket and prefix',
      cause: err,
    });
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500)
    return new ServiceError(`${action} on ${where} failed on the server's side (${name || status})`, {
      cause: err,
    });
  return err;
}
