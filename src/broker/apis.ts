import type { AnyApiHandler, ApiVersionRange } from './protocol/api.js';

/**
 * The ONE list of APIs the broker speaks. The server dispatches on it and ApiVersions advertises exactly
 * the versions registered here (each API's versions must be contiguous; startBroker checks). To add an
 * API: write protocol/<api>/ (codecs + index.ts), a handler, and add the handler below.
 *
 * broker-groups: add the group handlers (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
 * OffsetCommit, OffsetFetch, DescribeGroups, ListGroups) in the marked block.
 */
export const apiHandlers: readonly AnyApiHandler[] = [
  // -- core (broker-core) --
  // -- groups (broker-groups) --
];

/** The advertised ranges, derived from the registrations; throws on a gap or a duplicate api key. */
export function versionRanges(handlers: readonly AnyApiHandler[]): ApiVersionRange[] {
  const seen = new Set<number>();
  return handlers.map(({ api }) => {
    if (seen.has(api.apiKey)) throw new Error(`API key ${api.apiKey} (${api.name}) registered twice`);
    seen.add(api.apiKey);
    const versions = Object.keys(api.versions)
      .map(Number)
      .sort((a, b) => a - b);
    const minVersion = versions[0];
    const maxVersion = versions.at(-1);
    if (minVersion === undefined || maxVersion === undefined) throw new Error(`${api.name} has no versions`);
    if (maxVersion - minVersion + 1 !== versions.length)
      throw new Error(`${api.name} versions must be contiguous, got ${versions.join(',')}`);
    return { apiKey: api.apiKey, minVersion, maxVersion };
  });
}
