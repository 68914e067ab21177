import { getJson, type ListDocument, type WindowDoc } from '../api.js';
import { cityLink, debounce, EVENT_TYPES, h, hhmm, SEVERITIES } from '../dom.js';
import type { Route, View } from './view.js';

/**
 * The open and recent 5-minute windows as a city × type grid: each cell is one window's count, its
 * severity mix as a bar, and whether it is final. A select picks which window start is shown (newest by
 * default). Window changes on the stream reload the grid from the API, so the grid always shows the
 * table's totals (a change event carries one partition's share).
 */
const RECENT = 1000;
const STARTS_SHOWN = 24;

export function windowsView(route: Route): View {
  let windows: WindowDoc[] = [];
  let chosen = route.query.get('start') ?? '';
  const starts = h('select', { id: 'window-start', name: 'start' });
  const grid = h('div', { class: 'grid-wrap' });
  const root = h(
    'section',
    { 'aria-labelledby': 'windows-title' },
    h('h2', { id: 'windows-title' }, 'Windows'),
    h(
      'form',
      { class: 'filters', 'aria-label': 'Choose a window' },
      h('label', { for: 'window-start' }, 'Window starting (UTC)'),
      starts,
    ),
    h(
      'p',
      { class: 'legend' },
      'Severity mix: ',
      ...SEVERITIES.map((s) => h('span', { class: `swatch sev-${s}` }, s)),
    ),
    grid,
  );
  starts.addEventListener('change', () => {
    chosen = starts.value;
    route.setQuery(new URLSearchParams({ start: chosen }));
    render();
  });

  const cell = (w: WindowDoc | undefined) => {
    if (!w) return h('td', { class: 'empty' }, h('span', { class: 'visually-hidden' }, 'no events'), '—');
    const mix = SEVERITIES.map((s) => `${s} ${w[s]}`).join(', ');
    return h(
      'td',
      {
        'data-city': w.city,
        'data-type': w.event_type,
        'data-count': w.event_count,
        'data-final': String(w.final),
        class: w.final ? 'final' : 'open',
      },
      h('span', { class: 'cell-count' }, w.event_count),
      h(
        'span',
        { class: 'mix', role: 'img', 'aria-label': mix, title: mix },
        ...SEVERITIES.filter((s) => w[s] > 0).map((s) =>
          h('span', { class: `sev-${s}`, style: `flex-grow:${w[s]}` }),
        ),
      ),
      h('span', { class: `state ${w.final ? 'is-final' : 'is-open'}` }, w.final ? 'final' : 'open'),
    );
  };

  const render = () => {
    const all = [...new Set(windows.map((w) => w.window_start))].sort().reverse().slice(0, STARTS_SHOWN);
    if (!all.includes(chosen)) chosen = all[0] ?? '';
    starts.replaceChildren(
      ...all.map((s) => {
        const open = windows.some((w) => w.window_start === s && !w.final);
        return h('option', { value: s }, `${s.slice(0, 10)} ${hhmm(s)}${open ? ' (open)' : ''}`);
      }),
    );
    starts.value = chosen;
    const here = windows.filter((w) => w.window_start === chosen);
    const cities = [...new Set(here.map((w) => w.city))].sort();
    const at = (city: string, type: string) => here.find((w) => w.city === city && w.event_type === type);
    if (cities.length === 0) {
      grid.replaceChildren(h('p', {}, 'No windows yet.'));
      return;
    }
    grid.replaceChildren(
      h(
        'table',
        { id: 'window-grid', class: 'window-grid' },
        h('caption', {}, `Window ${chosen} – ${here[0]?.window_end ?? ''}: events by city and type`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'City'),
            ...EVENT_TYPES.map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          ...cities.map((c) =>
            h('tr', {}, h('th', { scope: 'row' }, cityLink(c)), ...EVENT_TYPES.map((t) => cell(at(c, t)))),
          ),
        ),
      ),
    );
  };

  const view: View = {
    title: 'Windows',
    root,
    async refresh() {
      windows = (await getJson<ListDocument<WindowDoc>>(`/aggregations?limit=${RECENT}`)).items;
      render();
    },
  };
  const reload = debounce(() => void view.refresh().catch(() => {}), 1_000);
  view.live = (type) => {
    if (type === 'window') reload();
  };
  return view;
}
