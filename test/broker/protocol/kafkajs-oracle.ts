import { createRequire } from 'node:module';

/**
 * kafkajs's own request encoders and response decoders (node_modules/kafkajs/src/protocol/requests), used
 * as an independent oracle for the broker's codecs: its encoder feeds our decoder, our encoder feeds its
 * decoder.
 */
const require = createRequire(import.meta.url);

interface KafkajsRequest {
  encode(): Promise<{ buffer: Buffer }>;
}

export async function kafkajsRequestBody(api: string, version: number, args: object): Promise<Buffer> {
  const factory = require(`kafkajs/src/protocol/requests/${api}/v${version}/request`) as (
    a: object,
  ) => KafkajsRequest;
  return (await factory(args).encode()).buffer;
}

export async function kafkajsDecodeResponse(api: string, version: number, body: Buffer): Promise<unknown> {
  const mod = require(`kafkajs/src/protocol/requests/${api}/v${version}/response`) as {
    decode(b: Buffer): Promise<unknown>;
  };
  return mod.decode(body);
}

/** The versions of `api` this broker registers that kafkajs implements too (kafkajs stops at kafkajsMax). */
export function sharedVersions(api: { versions: object }, kafkajsMax: number): number[] {
  return Object.keys(api.versions)
    .map(Number)
    .filter((v) => v <= kafkajsMax);
}
