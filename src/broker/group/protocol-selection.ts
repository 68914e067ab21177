/** One entry of a JoinGroup's protocol list: an assignor name ("range", "RoundRobinAssigner") and its metadata. */
export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

/**
 * The protocols every member supports, in no particular order. An empty result means a newcomer with
 * these protocols could not join (INCONSISTENT_GROUP_PROTOCOL).
 */
export function commonProtocols(memberProtocols: ReadonlyArray<readonly GroupProtocol[]>): Set<string> {
  const [first, ...rest] = memberProtocols;
  if (!first) return new Set();
  const common = new Set(first.map((p) => p.name));
  for (const protocols of rest) {
    const names = new Set(protocols.map((p) => p.name));
    for (const name of common) if (!names.has(name)) common.delete(name);
  }
  return common;
}

/**
 * Kafka's choice of the group protocol: among the protocols all members support, each member votes for
 * the first one in its own preference order, and the most votes win. Ties go to the candidate that comes
 * first in the leader's (first member's) list, so the choice is deterministic.
 */
export function selectProtocol(memberProtocols: ReadonlyArray<readonly GroupProtocol[]>): string | null {
  const candidates = commonProtocols(memberProtocols);
  if (candidates.size === 0) return null;
  const votes = new Map<string, number>();
  for (const protocols of memberProtocols) {
    const vote = protocols.find((p) => candidates.has(p.name));
    if (vote) votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1);
  }
  const order = memberProtocols[0]!.map((p) => p.name).filter((n) => candidates.has(n));
  let best: string | null = null;
  for (const name of order) {
    if (best === null || (votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
  }
  return best;
}
