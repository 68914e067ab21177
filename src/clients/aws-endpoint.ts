/**
 * The SDK's configured-endpoint rule, applied to the environment the CLI was given (never process.env
 * directly): AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. `envId` is the service's SDK id in upper snake case
 * (`S3`, `DYNAMODB`, `SECRETS_MANAGER`).
 */
export function configuredEndpoint(
  envId: string,
  env: Record<string, string | undefined>,
): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${envId}`] || env.AWS_ENDPOINT_URL || undefined;
}
