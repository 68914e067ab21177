import { FUNNEL_STAGES } from '../../events/clickstream/click-event.js';
import type {
  FunnelDocument,
  PagesDocument,
  SessionListDocument,
} from '../../queries/clickstream/click-documents.js';
import { renderTable } from '../../ui/table.js';

const percent = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

export function renderFunnel(doc: FunnelDocument): string {
  if (doc.hours.length === 0) return `no clickstream events from ${doc.from} to ${doc.to}`;
  const rows = doc.hours.map((h) => [
    h.hour,
    ...FUNNEL_STAGES.map((s) => String(h.sessions[s])),
    percent(h.conversion),
  ]);
  rows.push([
    'total events',
    ...FUNNEL_STAGES.map((s) => String(doc.totals.events[s])),
    percent(doc.totals.conversion),
  ]);
  return renderTable(['hour (sessions)', ...FUNNEL_STAGES, 'conversion'], rows);
}

export function renderPages(doc: PagesDocument): string {
  if (doc.count === 0) return `no windows from ${doc.from} to ${doc.to}`;
  return renderTable(
    ['page', 'event type', 'device', 'events', 'revenue'],
    doc.items.map((p) => [p.page, p.event_type, p.device, String(p.event_count), p.revenue.toFixed(2)]),
  );
}

export function renderSessions(doc: SessionListDocument): string {
  if (doc.count === 0) return 'no closed sessions';
  return renderTable(
    ['session', 'user', 'start', 'end', 'events', 'cart', 'purchased'],
    doc.items.map((s) => [
      s.session_id,
      s.user_id,
      s.session_start,
      s.session_end,
      String(s.event_count),
      s.cart_value.toFixed(2),
      s.purchased ? `yes (${s.revenue.toFixed(2)})` : 'no',
    ]),
  );
}
