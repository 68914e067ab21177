import type { AnyApiHandler, ApiVersionRange } from './protocol/api-definition.js';
import { apiVersionsHandler } from './protocol/api-versions/handler.js';
import { createTopicsHandler } from './protocol/create-topics/handler.js';
import { deleteGroupsHandler } from './protocol/delete-groups/handler.js';
import { deleteTopicsHandler } from './protocol/delete-topics/handler.js';
import { describeConfigsHandler } from './protocol/describe-configs/handler.js';
import { describeGroupsHandler } from './protocol/describe-groups/handler.js';
import { fetchHandler } from './protocol/fetch/handler.js';
import { findCoordinatorHandler } from './protocol/find-coordinator/handler.js';
import { heartbeatHandler } from './protocol/heartbeat/handler.js';
import { initProducerIdHandler } from './protocol/init-producer-id/handler.js';
import { joinGroupHandler } from './protocol/join-group/handler.js';
import { leaveGroupHandler } from './protocol/leave-group/handler.js';
import { listGroupsHandler } from './protocol/list-groups/handler.js';
import { listOffsetsHandler } from './protocol/list-offsets/handler.js';
import { metadataHandler } from './protocol/metadata/handler.js';
import { offsetCommitHandler } from './protocol/offset-commit/handler.js';
import { offsetDeleteHandler } from './protocol/offset-delete/handler.js';
import { offsetFetchHandler } from './protocol/offset-fetch/handler.js';
import { produceHandler } from './protocol/produce/handler.js';
import { syncGroupHandler } from './protocol/sync-group/handler.js';

/**
 * The ONE list of APIs the broker speaks. The server dispatches on it and ApiVersions advertises exactly
 * the versions registered here (each API's versions must be contiguous; startBroker checks). To add an
 * API: write protocol/<api>/ (codecs + index.ts), a handler, and add the handler below.
 */
export const apiHandlers: readonly AnyApiHandler[] = [
  // topics and records
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  initProducerIdHandler,
  describeConfigsHandler,
  // consumer groups and committed offsets
  findCoordinatorHandler,
  joinGroupHandler,
  syncGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  describeGroupsHandler,
  listGroupsHandler,
  deleteGroupsHandler,
  offsetDeleteHandler,
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
