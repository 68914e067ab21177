import type { Prng } from './prng.js';

/**
 * The malformed messages every workload's generator makes in the same way, whatever its schema: broken
 * JSON, JSON that is not an object, a required field missing, and a timestamp that is not one or lies
 * centuries ahead. Each workload adds the cases of its own fields (severity, device, price…).
 */
export const ENVELOPE_KINDS = [
  'truncated_json',
  'not_json',
  'not_an_object',
  'missing_field',
  'bad_timestamp',
  'timestamp_in_future',
] as const;
export type EnvelopeKind = (typeof ENVELOPE_KINDS)[number];

export interface MalformedMessage {
  value: string;
  /** The reason the dead-letter record must carry. */
  reason: string;
}

export interface EnvelopeSource {
  /** The valid event, serialized as the producer would send it. */
  text: string;
  /** The ISO timestamp of the valid event. */
  timestamp: string;
  /** The fields a missing one is picked from. */
  required: readonly string[];
  /** A line in some other format (key=value…) standing for a producer that does not speak JSON. */
  notJson: string;
  /** Timestamps that are not valid instants, one picked. */
  badTimestamps: readonly string[];
}

export function isEnvelopeKind(kind: string): kind is EnvelopeKind {
  return (ENVELOPE_KINDS as readonly string[]).includes(kind);
}

/** One malformed message of an envelope kind, built from a valid event. Uses `rng` as the kind needs. */
export function malformedEnvelope(kind: EnvelopeKind, source: EnvelopeSource, rng: Prng): MalformedMessage {
  const fields = (): Record<string, unknown> => JSON.parse(source.text) as Record<string, unknown>;
  switch (kind) {
    case 'truncated_json':
      return { value: source.text.slice(0, 1 + rng.int(source.text.length - 2)), reason: 'invalid_json' };
    case 'not_json':
      return { value: source.notJson, reason: 'invalid_json' };
    case 'not_an_object':
      return { value: JSON.stringify([fields()]), reason: 'not_an_object' };
    case 'missing_field': {
      const field = rng.pick(source.required);
      const rest = fields();
      delete rest[field];
      return { value: JSON.stringify(rest), reason: `missing_field:${field}` };
    }
    case 'bad_timestamp':
      return {
        value: JSON.stringify({ ...fields(), timestamp: rng.pick(source.badTimestamps) }),
        reason: 'bad_timestamp',
      };
    case 'timestamp_in_future': {
      // Far enough ahead to be "in the future" whatever clock the stream was made with.
      const year = 2900 + rng.int(99);
      return {
        value: JSON.stringify({ ...fields(), timestamp: `${year}${source.timestamp.slice(4)}` }),
        reason: 'timestamp_in_future',
      };
    }
  }
}
