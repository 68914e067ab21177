import { getJson, newestFirst, type EventDoc, type ListDocument } from '../api.js';
import { cityLink, EVENT_TYPES, h, severityBadge, shortTime, table } from '../dom.js';
import type { Route, View } from './view.js';

/** Alerts of the last 24 hours, newest first, filtered by city (in the query) and type (on the page). */
const HOURS = 24;
const LIMIT = 1000;

export function alertsView(route: Route): View {
  let city = route.query.get('city') ?? '';
  let type = route.query.get('type') ?? '';
  let rows: EventDoc[] = [];
  const cities = h('select', { id: 'alerts-city', name: 'city' });
  const types = h(
    'select',
    { id: 'alerts-type', name: 'type' },
    h('option', { value: '' }, 'All types'),
    ...EVENT_TYPES.map((t) => h('option', { value: t }, t)),
  );
  types.value = type;
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const list = table(`Alerts of the last ${HOURS} hours, newest first`, [
    'Time (UTC)',
    'City',
    'Type',
    'Severity',
    'Description',
  ]);
  list.table.id = 'alerts-table';
  const root = h(
    'section',
    { 'aria-labelledby': 'alerts-title' },
    h('h2', { id: 'alerts-title' }, 'Alerts'),
    h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Filter alerts' },
      h('label', { for: 'alerts-city' }, 'City'),
      cities,
      h('label', { for: 'alerts-type' }, 'Type'),
      types,
    ),
    count,
    list.table,
  );

  const matches = (a: EventDoc) => (city === '' || a.city === city) && (type === '' || a.event_type === type);
  const rowOf = (a: EventDoc) =>
    h(
      'tr',
      { class: `sev-row-${a.severity}`, 'data-event-id': a.event_id },
      h('td', { class: 'time' }, h('time', { datetime: a.timestamp }, shortTime(a.timestamp))),
      h('td', {}, cityLink(a.city)),
      h('td', {}, a.event_type),
      h('td', {}, severityBadge(a.severity)),
      h('td', {}, a.description),
    );
  const render = () => {
    const shown = rows.filter(matches);
    list.body.replaceChildren(...shown.map(rowOf));
    count.textContent = `${shown.length} alert${shown.length === 1 ? '' : 's'}`;
  };
  const setFilters = () => {
    const query = new URLSearchParams();
    if (city) query.set('city', city);
    if (type) query.set('type', type);
    route.setQuery(query);
  };
  cities.addEventListener('change', () => {
    city = cities.value;
    setFilters();
    void view.refresh();
  });
  types.addEventListener('change', () => {
    type = types.value;
    setFilters();
    render();
  });

  const view: View = {
    title: 'Alerts',
    root,
    async refresh() {
      const query = new URLSearchParams({ hours: String(HOURS), limit: String(LIMIT) });
      if (city) query.set('city', city);
      const [alerts, known] = await Promise.all([
        getJson<ListDocument<EventDoc>>(`/alerts?${query}`),
        getJson<Array<{ city: string }>>('/cities'),
      ]);
      const names = [...new Set([...known.map((c) => c.city), ...(city ? [city] : [])])].sort();
      cities.replaceChildren(
        h('option', { value: '' }, 'All cities'),
        ...names.map((c) => h('option', { value: c }, c)),
      );
      cities.value = city;
      rows = alerts.items;
      render();
    },
    live(kind, data) {
      if (kind !== 'alert') return;
      const alert = data as EventDoc;
      if (city !== '' && alert.city !== city) return;
      if (Date.parse(alert.timestamp) < Date.now() - HOURS * 3_600_000) return;
      if (rows.some((r) => r.event_id === alert.event_id)) return;
      const at = rows.findIndex((r) => newestFirst(alert, r) < 0);
      rows.splice(at < 0 ? rows.length : at, 0, alert);
      if (rows.length > LIMIT) rows.length = LIMIT;
      if (!matches(alert)) return;
      // One row in place rather than the whole table again: alerts can arrive dozens a second.
      const before = rows.slice(0, at < 0 ? rows.length : at).filter(matches).length;
      list.body.insertBefore(rowOf(alert), list.body.children[before] ?? null);
      while (list.body.children.length > LIMIT) list.body.lastElementChild?.remove();
      const shown = list.body.children.length;
      count.textContent = `${shown} alert${shown === 1 ? '' : 's'}`;
    },
  };
  return view;
}
