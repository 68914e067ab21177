import { getJson, type EventDoc, type ListDocument, type SummaryDoc, type WindowDoc } from '../api.js';
import { lineChart } from '../chart.js';
import { debounce, EVENT_TYPES, h, severityBadge, SEVERITIES, shortTime, table } from '../dom.js';
import type { Route, View } from './view.js';

/** One city: its totals, its newest events, and its windows over time (events per window, by type). */
const COLORS = ['#1f5fa8', '#2e7d32', '#b3261e', '#7a5a00'];

export function cityView(route: Route): View {
  const city = route.arg ?? '';
  const summary = h('dl', { class: 'cards' });
  const events = table(`Newest events of ${city}`, ['Time (UTC)', 'Type', 'Severity', 'Description']);
  events.table.id = 'city-events';
  const chartBox = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': `events per 5-minute window in ${city}, by type`,
  });
  const root = h(
    'section',
    { 'aria-labelledby': 'city-title' },
    h('h2', { id: 'city-title' }, city),
    summary,
    h('h3', {}, 'Events per window, by type'),
    chartBox,
    events.table,
  );
  const chart = lineChart(
    chartBox,
    EVENT_TYPES.map((t, i) => ({ label: t, color: COLORS[i]! })),
    { yLabel: 'events / window' },
  );

  const view: View = {
    title: city,
    root,
    async refresh() {
      const name = encodeURIComponent(city);
      const [s, recent, windows] = await Promise.all([
        getJson<SummaryDoc>(`/summary/${name}`),
        getJson<ListDocument<EventDoc>>(`/events/${name}?limit=20`),
        getJson<ListDocument<WindowDoc>>(`/aggregations?city=${name}&limit=1000`),
      ]);
      const card = (label: string, value: string | number) => [
        h('div', {}, h('dt', {}, label), h('dd', {}, value)),
      ];
      summary.replaceChildren(
        ...card('Events', s.total_events),
        ...card('Alerts, last 24 h', s.alerts_24h),
        ...card('Last event', s.last_event_at ? shortTime(s.last_event_at) : '—'),
        ...EVENT_TYPES.flatMap((t) => card(t, s.by_type[t] ?? 0)),
        ...SEVERITIES.flatMap((v) => card(v, s.by_severity[v] ?? 0)),
      );
      events.body.replaceChildren(
        ...recent.items.map((e) =>
          h(
            'tr',
            { 'data-event-id': e.event_id },
            h('td', { class: 'time' }, shortTime(e.timestamp)),
            h('td', {}, e.event_type),
            h('td', {}, severityBadge(e.severity)),
            h('td', {}, e.description),
          ),
        ),
      );
      const starts = [...new Set(windows.items.map((w) => w.window_start))].sort();
      const count = (type: string, start: string) =>
        windows.items.find((w) => w.event_type === type && w.window_start === start)?.event_count ?? 0;
      chart.setData(
        starts.map((s) => Date.parse(s) / 1000),
        EVENT_TYPES.map((t) => starts.map((s) => count(t, s))),
      );
    },
    dispose: () => chart.destroy(),
  };
  const reload = debounce(() => void view.refresh().catch(() => {}), 2_000);
  view.live = (type, data) => {
    if ((type === 'alert' || type === 'window') && (data as { city?: string }).city === city) reload();
  };
  return view;
}
