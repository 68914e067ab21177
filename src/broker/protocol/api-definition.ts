import type { BrokerState } from '../broker-state.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * How one API plugs into the broker (see docs/broker.md, "Adding an API"):
 *
 * - `protocol/<api>/v<N>.ts` exports an ApiVersionCodec: it decodes the request body of version N into the
 *   API's request object (fields the version lacks get their defaults) and encodes the API's response
 *   object in version N's layout (fields the version lacks are skipped). Codecs are pure: no I/O, no policy.
 * - `protocol/<api>/index.ts` exports the ApiDefinition: api key, name, and the version → codec map.
 * - a handler (next to the codec, or in the module that owns the state) implements ApiHandler.
 * - the handler is added to the one list in `src/broker/api-registry.ts`; ApiVersions advertises exactly the
 *   versions that list registers, so registering a version is what makes clients use it.
 */
export interface ApiVersionCodec<Req, Res> {
  decodeRequest(r: Reader): Req;
  encodeResponse(w: Writer, res: Res): void;
}

export interface ApiDefinition<Req, Res> {
  apiKey: number;
  /** Kafka's name for the API, e.g. "Produce"; used in logs. */
  name: string;
  /** Only non-flexible versions: the server reads header v1 and writes response header v0. */
  versions: Readonly<Record<number, ApiVersionCodec<Req, Res>>>;
}

/** Returned by a handler when Kafka sends no response (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

/** The connection a request came in on. */
export interface ConnectionInfo {
  id: number;
  remoteAddress: string;
  /** Aborted when the connection closes; long waits (Fetch, JoinGroup) should stop on it. */
  signal: AbortSignal;
}

export interface HandlerContext {
  apiVersion: number;
  clientId: string | null;
  correlationId: number;
  connection: ConnectionInfo;
  broker: BrokerState;
}

/**
 * Handles one API. `handle` gets the decoded request and returns the response object (or NO_RESPONSE).
 * It may take as long as the API allows (a Fetch long poll, a JoinGroup waiting for the rebalance):
 * the connection keeps responses in request order regardless. Kafka-level failures are error codes in the
 * response; throw ProtocolError only for a request that makes no sense (the connection is then closed);
 * anything else thrown is treated as a bug (logged, connection closed).
 */
export interface ApiHandler<Req, Res> {
  api: ApiDefinition<Req, Res>;
  handle(request: Req, ctx: HandlerContext): Promise<Res | typeof NO_RESPONSE>;
}

/** The element type of the registration list; method syntax keeps concrete handlers assignable to it. */
export type AnyApiHandler = ApiHandler<unknown, unknown>;

/** What ApiVersions advertises for one API. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}
