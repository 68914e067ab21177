import { hash } from 'node:crypto';
import { eventFields, type CityEvent } from '../events/event.js';
import type { Claim, ClaimOutcome, StoredClaim } from '../store/claim-writer.js';
import type { DecodedMessage } from './batch-planner.js';
import type { ClaimCache } from './claim-cache.js';

/**
 * De-duplication by `event_id` (docs/processing.md, "Duplicates"), the pure part: which messages of a
 * batch must be claimed, and what the claims' winners make of each message. A delivery is a topic,
 * partition and offset: a replay of the winning delivery is the event itself, any other copy is a
 * duplicate (identical content) or a conflicting duplicate (different content).
 */
export interface Verdict {
  kind: 'duplicate' | 'conflicting';
  /** The winning delivery, `<topic>/<partition>/<offset>`. */
  of: string;
}

export const DUPLICATE_REASON = 'duplicate';
export const CONFLICTING_REASON = 'conflicting_duplicate';

/**
 * Hash of the canonical event (parseEvent's output): copies that differ only in JSON layout are identical.
 * It is stored in the claims (`h`), so its value must never change: SHA-1, base64url. The one-shot
 * `hash` gives the same digest as `createHash` without a Hash object per event.
 */
export function contentHash(event: CityEvent): string {
  return hash('sha1', JSON.stringify(eventFields(event)), 'base64url');
}

export function deliveryOf(topic: string, partition: number, offset: number): string {
  return `${topic}/${partition}/${offset}`;
}

export interface Candidate {
  message: DecodedMessage;
  claim: Claim;
}

/**
 * The valid messages that need a verdict (`needsVerdict`: not already included in everything they would
 * write), each with the claim it would make. The claim expires `horizonMs` after the event time, as the
 * raw item does with the default horizon.
 */
export function candidatesOf(
  messages: readonly DecodedMessage[],
  needsVerdict: (m: DecodedMessage) => boolean,
  where: { topic: string; partition: number },
  horizonMs: number,
): Candidate[] {
  const out: Candidate[] = [];
  for (const m of messages) {
    if (!m.parsed.ok || !needsVerdict(m)) continue;
    out.push({
      message: m,
      claim: {
        eventId: m.parsed.event.event_id,
        delivery: deliveryOf(where.topic, where.partition, m.offset),
        hash: contentHash(m.parsed.event),
        expiresAt: Math.floor((m.eventMs + horizonMs) / 1000),
      },
    });
  }
  return out;
}

/** One claim per event_id: the first candidate in offset order (later copies in the batch are judged by it). */
export function firstClaims(candidates: readonly Candidate[]): Claim[] {
  const first = new Map<string, Claim>();
  for (const c of candidates) if (!first.has(c.claim.eventId)) first.set(c.claim.eventId, c.claim);
  return [...first.values()];
}

/** Offset → verdict for every candidate that is not the winning delivery of its event_id. */
export function verdictsOf(
  candidates: readonly Candidate[],
  winners: ReadonlyMap<string, StoredClaim>,
): Map<number, Verdict> {
  const verdicts = new Map<number, Verdict>();
  for (const { message, claim } of candidates) {
    const winner = winners.get(claim.eventId);
    if (!winner) throw new Error(`event ${claim.eventId} has no claim`);
    if (winner.delivery === claim.delivery) continue;
    verdicts.set(message.offset, {
      kind: winner.hash === claim.hash ? 'duplicate' : 'conflicting',
      of: winner.delivery,
    });
  }
  return verdicts;
}

/**
 * Judges a batch's candidates: each event_id's winner comes from the cache when this process knows it,
 * otherwise from `claim` (the sink's conditional puts), whose answers then join the cache.
 */
export async function judge(
  candidates: readonly Candidate[],
  cache: ClaimCache,
  nowSeconds: number,
  claim: (claims: Claim[]) => Promise<ClaimOutcome[]>,
): Promise<{ verdicts: Map<number, Verdict>; cached: number; sent: number }> {
  const winners = new Map<string, StoredClaim>();
  const toSend: Claim[] = [];
  for (const c of firstClaims(candidates)) {
    const known = cache.get(c.eventId, nowSeconds);
    if (known) winners.set(c.eventId, known);
    else toSend.push(c);
  }
  const cached = winners.size;
  const outcomes = toSend.length > 0 ? await claim(toSend) : [];
  toSend.forEach((c, i) => {
    const outcome = outcomes[i];
    if (!outcome) throw new Error(`no claim outcome for event ${c.eventId}`);
    // A claim that won is the stored claim (plus its event_id): kept as it is, not copied.
    const winner: StoredClaim = outcome.status === 'won' ? c : outcome.stored;
    winners.set(c.eventId, winner);
    cache.set(c.eventId, winner);
  });
  return { verdicts: verdictsOf(candidates, winners), cached, sent: toSend.length };
}
