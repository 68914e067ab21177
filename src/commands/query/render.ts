import type {
  AggregationDocument,
  CityDocument,
  EventDocument,
  ListDocument,
  StatsDocument,
  SummaryDocument,
} from '../../queries/index.js';
import { renderPairs, renderTable } from '../../ui/table.js';

/** Terminal renderings of the read-side documents (the --json output is the documents themselves). */
export function renderEvents(doc: ListDocument<EventDocument>, empty: string): string {
  return renderTable(
    ['time', 'city', 'type', 'severity', 'description', 'event id'],
    doc.items.map((e) => [e.timestamp, e.city, e.event_type, e.severity, e.description, e.event_id]),
    empty,
  );
}

export function renderAlerts(doc: ListDocument<EventDocument>, empty: string): string {
  const table = renderEvents(doc, empty);
  return doc.count > 0 ? `${table}\n${doc.count} alert${doc.count === 1 ? '' : 's'}` : table;
}

export function renderSummary(doc: SummaryDocument): string {
  return renderPairs([
    ['city', doc.city],
    ['events', doc.total_events],
    ['alerts (24h)', doc.alerts_24h],
    ['last event', doc.last_event_at ?? '-'],
    ...counts('type', doc.by_type),
    ...counts('severity', doc.by_severity),
  ]);
}

export function renderCities(doc: CityDocument[]): string {
  return renderTable(
    ['city', 'events'],
    doc.map((c) => [c.city, c.event_count]),
    'no events yet',
  );
}

export function renderAggregations(doc: ListDocument<AggregationDocument>): string {
  return renderTable(
    ['window start', 'city', 'type', 'events', 'low', 'medium', 'high', 'critical', 'final'],
    doc.items.map((w) => [
      w.window_start,
      w.city,
      w.event_type,
      w.event_count,
      w.low,
      w.medium,
      w.high,
      w.critical,
      w.final ? 'yes' : 'no',
    ]),
    'no windows',
  );
}

export function renderStats(doc: StatsDocument): string {
  return renderPairs([
    ['events', doc.total_events],
    ['alerts', doc.total_alerts],
    ['first event', doc.first_event_at ?? '-'],
    ['last event', doc.last_event_at ?? '-'],
    ...counts('city', doc.by_city),
    ...counts('type', doc.by_type),
    ...counts('severity', doc.by_severity),
  ]);
}

function counts(label: string, byKey: Record<string, number>): Array<[string, number]> {
  return Object.entries(byKey).map(([key, n]) => [`${label} ${key}`, n]);
}
