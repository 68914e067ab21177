import { getJson, type ListDocument, type RatesDoc, type ServiceDoc } from '../api.js';
import { lineChart } from '../chart.js';
import { formatRate, h, table } from '../dom.js';
import type { View } from './view.js';

/** The last 15 minutes of rates (one sample a second), the lag per partition, and each service's health. */
const WINDOW_S = 15 * 60;
const SERVICES_EVERY_MS = 5_000;

export function overviewView(): View {
  const samples: RatesDoc[] = [];
  const cards = h('dl', { class: 'cards' });
  const chartBox = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': 'events in and written per second',
  });
  const lag = table('Consumer lag per partition', ['Partition', 'Lag (messages)'], 'narrow');
  const services = table('Services', ['Service', 'Status', 'Detail']);
  const note = h('p', { class: 'note' });
  const root = h(
    'section',
    { 'aria-labelledby': 'overview-title' },
    h('h2', { id: 'overview-title' }, 'Overview'),
    cards,
    note,
    h('h3', {}, 'Events per second, last 15 minutes'),
    chartBox,
    h('div', { class: 'columns' }, lag.table, services.table),
  );
  const chart = lineChart(
    chartBox,
    [
      { label: 'in /s', color: '#1f5fa8' },
      { label: 'written /s', color: '#2e7d32', dash: [6, 3] },
    ],
    { yLabel: 'events/s' },
  );
  let servicesAt = 0;

  const render = () => {
    const cutoff = Date.now() / 1000 - WINDOW_S;
    while (samples.length > 0 && Date.parse(samples[0]!.at) / 1000 < cutoff) samples.shift();
    const last = samples[samples.length - 1];
    const card = (label: string, value: string, id: string) => [
      h('div', {}, h('dt', {}, label), h('dd', { 'data-metric': id }, value)),
    ];
    cards.replaceChildren(
      ...card('Events in /s', formatRate(last?.events_in_per_s), 'in'),
      ...card('Written /s', formatRate(last?.written_per_s), 'written'),
      ...card('Late /s', formatRate(last?.late_per_s), 'late'),
      ...card('Dead letters /s', formatRate(last?.dead_letters_per_s), 'dlq'),
      ...card('Consumed (total)', String(last?.totals.consumed ?? '—'), 'consumed'),
    );
    note.textContent = last
      ? ''
      : 'No rates yet: they come from a processor in the same process (`citystream up`); a processor elsewhere serves them on its /metrics.';
    chart.setData(
      samples.map((s) => Date.parse(s.at) / 1000),
      [samples.map((s) => s.events_in_per_s), samples.map((s) => s.written_per_s)],
    );
    lag.body.replaceChildren(
      ...Object.entries(last?.lag ?? {}).map(([p, n]) =>
        h('tr', {}, h('td', {}, p), h('td', { class: 'num' }, n)),
      ),
    );
  };

  const loadServices = async () => {
    servicesAt = Date.now();
    const list = await getJson<ListDocument<ServiceDoc>>('/services');
    services.body.replaceChildren(
      ...list.items.map((s) =>
        h(
          'tr',
          { 'data-service': s.name },
          h('th', { scope: 'row' }, s.name),
          h('td', {}, h('span', { class: `badge health-${s.status}` }, s.status)),
          h('td', {}, s.detail),
        ),
      ),
    );
  };

  return {
    title: 'Overview',
    root,
    async refresh() {
      const [rates] = await Promise.all([getJson<ListDocument<RatesDoc>>('/rates'), loadServices()]);
      samples.splice(0, samples.length, ...rates.items);
      render();
    },
    live(type, data) {
      if (type !== 'rates') return;
      samples.push(data as RatesDoc);
      render();
      if (Date.now() - servicesAt >= SERVICES_EVERY_MS) void loadServices().catch(() => {});
    },
    dispose: () => chart.destroy(),
  };
}
