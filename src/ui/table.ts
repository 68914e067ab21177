import Table from 'cli-table3';

/** Renders rows as a terminal table; an empty result says so instead of printing a bare header. */
export function renderTable(head: string[], rows: Array<Array<unknown>>, empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows)
    table.push(row.map((cell) => (cell === undefined || cell === null ? '' : String(cell))));
  return table.toString();
}

/** Renders key/value pairs as a two-column table. */
export function renderPairs(pairs: Array<[string, string | number | boolean | undefined]>): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [key, value] of pairs) table.push({ [key]: value === undefined ? '' : String(value) });
  return table.toString();
}
