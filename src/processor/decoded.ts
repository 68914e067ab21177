/** One message of a fetched batch, as both planners take it. */
export interface InputMessage {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

/** What a workload's parser returns for one message value. */
export type Parsed<E extends { timestamp: string }> = { ok: true; event: E } | { ok: false; reason: string };

/** A message with its parse result and, for a valid event, its event time. */
export interface Decoded<E extends { timestamp: string }> extends InputMessage {
  parsed: Parsed<E>;
  /** Event time in epoch ms (valid events only; NaN otherwise). */
  eventMs: number;
}

/** Parses each message of a batch once, for the city and clickstream planners alike. */
export function decodeAll<E extends { timestamp: string }>(
  messages: readonly InputMessage[],
  parse: (value: Buffer | null) => Parsed<E>,
): Array<Decoded<E>> {
  return messages.map((m) => {
    const parsed = parse(m.value);
    return { ...m, parsed, eventMs: parsed.ok ? Date.parse(parsed.event.timestamp) : NaN };
  });
}
