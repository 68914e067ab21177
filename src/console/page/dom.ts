/** Small DOM helpers: elements are built with text content only, so no server data is parsed as HTML. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/** `2026-11-22 18:00:03` (UTC): the tables' times, shortened for a person. */
export function shortTime(iso: string): string {
  return iso.length >= 19 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso;
}

export function hhmm(iso: string): string {
  return iso.slice(11, 16);
}

export function formatRate(n: number | undefined): string {
  return n === undefined ? '—' : n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const EVENT_TYPES = ['traffic', 'weather', 'incident', 'construction'] as const;

export function severityBadge(severity: string): HTMLElement {
  return h('span', { class: `badge sev-${severity}` }, severity);
}

export function cityLink(city: string): HTMLAnchorElement {
  return h('a', { href: `#/city/${encodeURIComponent(city)}` }, city);
}

export function table(
  caption: string,
  headers: string[],
  className = '',
): {
  table: HTMLTableElement;
  body: HTMLTableSectionElement;
} {
  const body = h('tbody');
  const el = h(
    'table',
    { class: className },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
    body,
  );
  return { table: el, body };
}

/** Calls `fn` at most once per `ms`, after the last call of a burst. */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}
