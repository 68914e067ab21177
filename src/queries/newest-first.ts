/** Orders two time keys (canonical ISO strings, alert keys) newest first. */
export function newestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** Orders two names alphabetically (by UTF-16 code unit, independent of locale). */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Merges lists that are each sorted newest first into one list of at most `limit` entries, in the order
 * `compare` defines. `compare` must be total (break ties on an identity) so the answer does not depend on
 * which Query came back first.
 */
export function mergeSorted<T>(lists: T[][], limit: number, compare: (a: T, b: T) => number): T[] {
  return lists.flat().sort(compare).slice(0, limit);
}
