/** The read side: one module used by both `citystream query` and the REST API. Every read is a Query. */
export type { ReadContext, ReadTables } from './read-context.js';
export type { AggregationDocument, EventDocument, ListDocument } from './documents.js';
export { recentEvents } from './recent-events.js';
export { recentAlerts, MAX_ALERTS, type AlertsQuery } from './recent-alerts.js';
export { aggregations, type AggregationsQuery } from './aggregations.js';
export {
  cities,
  citySummary,
  stats,
  type CityDocument,
  type StatsDocument,
  type SummaryDocument,
} from './rollups.js';
export {
  LIMITS,
  MAX_DAY_SPAN,
  aggregationRangeProblem,
  cityProblem,
  eventTypeProblem,
  parseInstant,
} from './parameters.js';
