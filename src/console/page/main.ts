import '../style.css';
import { ApiFailure } from './api.js';
import { h } from './dom.js';
import { connectLive, type LiveState } from './live.js';
import { alertsView } from './views/alerts.js';
import { cityView } from './views/city.js';
import { deadLettersView } from './views/dead-letters.js';
import { overviewView } from './views/overview.js';
import type { Route, View } from './views/view.js';
import { windowsView } from './views/windows.js';

/**
 * The console: a hash router over five views (`#/`, `#/alerts`, `#/windows`, `#/dead-letters`,
 * `#/city/<name>`), one live stream shared by all of them, and a status line that says whether the page
 * is live or polling.
 */

const VIEWS: Record<string, (route: Route) => View> = {
  '': overviewView,
  alerts: alertsView,
  windows: windowsView,
  'dead-letters': deadLettersView,
  city: cityView,
};

const main = document.getElementById('main')!;
const status = document.getElementById('status')!;
let current: View | undefined;

function parseHash(): { name: string; arg?: string; query: URLSearchParams } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?', 2);
  const [name = '', arg] = path.split('/', 2);
  return {
    name,
    arg: arg === undefined ? undefined : decodeURIComponent(arg),
    query: new URLSearchParams(query),
  };
}

async function show(): Promise<void> {
  const { name, arg, query } = parseHash();
  current?.dispose?.();
  const make = VIEWS[name] ?? overviewView;
  const view = make({
    arg,
    query,
    setQuery(next) {
      const path = location.hash.replace(/^#/, '').split('?')[0] || '/';
      const text = next.toString();
      history.replaceState(null, '', `#${path}${text ? `?${text}` : ''}`);
    },
  });
  current = view;
  document.title = `${view.title} · citystream console`;
  main.replaceChildren(view.root);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const target = link.getAttribute('href')!.replace(/^#\/?/, '');
    if (target === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  await load(view);
}

async function load(view: View): Promise<void> {
  view.root.setAttribute('aria-busy', 'true');
  try {
    await view.refresh();
    view.root.querySelector('.load-error')?.remove();
  } catch (err) {
    const message = err instanceof ApiFailure ? err.message : String(err);
    view.root.querySelector('.load-error')?.remove();
    view.root.prepend(h('p', { class: 'load-error', role: 'alert' }, `Could not load: ${message}`));
  } finally {
    view.root.removeAttribute('aria-busy');
    view.root.dataset.loaded = 'true';
  }
}

function setState(state: LiveState, detail: string): void {
  status.dataset.state = state;
  status.textContent = detail;
}

// The skip link must not go through the router (its `#main` is not a view).
document.querySelector('.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => {
  void show();
  main.focus({ preventScroll: true });
});

connectLive({
  event: (type, data) => current?.live?.(type, data),
  reset: () => current && void load(current),
  poll: () => current && void load(current),
  state: setState,
});
void show();
