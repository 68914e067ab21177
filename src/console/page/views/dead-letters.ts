import { getJson, type DeadLetterDoc } from '../api.js';
import { h, shortTime, table } from '../dom.js';
import type { View } from './view.js';

/** The latest messages of the dead-letter topic: why, where from, and the raw value as received. */
const LIMIT = 500;
const PREVIEW = 160;

export function deadLettersView(): View {
  let letters: DeadLetterDoc[] = [];
  const note = h('p', { class: 'note' });
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const list = table('Latest dead letters, newest first', [
    'Sent (UTC)',
    'Reason',
    'Source partition',
    'Offset',
    'Key',
    'Raw value',
  ]);
  list.table.id = 'dead-letter-table';
  const root = h(
    'section',
    { 'aria-labelledby': 'dlq-title' },
    h('h2', { id: 'dlq-title' }, 'Dead letters'),
    note,
    count,
    list.table,
  );
  const value = (raw: string | null) => {
    if (raw === null) return h('em', {}, 'null');
    if (raw.length <= PREVIEW) return h('code', { class: 'raw' }, raw);
    return h(
      'details',
      {},
      h('summary', {}, h('code', { class: 'raw' }, `${raw.slice(0, PREVIEW)}…`)),
      h('pre', { class: 'raw' }, raw),
    );
  };
  const rowOf = (d: DeadLetterDoc) =>
    h(
      'tr',
      { 'data-partition': d.source_partition, 'data-offset': d.source_offset, 'data-reason': d.reason },
      h('td', { class: 'time' }, shortTime(d.at)),
      h('td', {}, h('span', { class: `badge reason` }, d.reason), d.window ? ` (window ${d.window})` : ''),
      h('td', { class: 'num' }, d.source_partition),
      h('td', { class: 'num' }, d.source_offset),
      h('td', {}, d.key === null ? h('em', {}, 'null') : d.key),
      h('td', {}, value(d.value)),
    );
  const render = () => {
    list.body.replaceChildren(...letters.map(rowOf));
    count.textContent = `${letters.length} dead letter${letters.length === 1 ? '' : 's'}`;
  };
  return {
    title: 'Dead letters',
    root,
    async refresh() {
      const doc = await getJson<{ source: string; items: DeadLetterDoc[] }>(`/dead-letters?limit=${LIMIT}`);
      letters = doc.items;
      note.textContent =
        doc.source === 'processor'
          ? `Topic ${letters[0]?.source_topic ?? 'city-events'}.dlq as the processor in this process sends it (the latest ${LIMIT}).`
          : 'The processor runs in another process, so its dead letters are not visible here: read city-events.dlq with `kcat -C -t city-events.dlq -f "%h %s\\n"`.';
      render();
    },
    live(type, data) {
      if (type !== 'dead_letter') return;
      letters.unshift(data as DeadLetterDoc);
      if (letters.length > LIMIT) letters.length = LIMIT;
      list.body.prepend(rowOf(data as DeadLetterDoc));
      while (list.body.children.length > LIMIT) list.body.lastElementChild?.remove();
      count.textContent = `${letters.length} dead letter${letters.length === 1 ? '' : 's'}`;
    },
  };
}
