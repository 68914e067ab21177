import { aggregations, recentAlerts, type ReadContext } from '../queries/index.js';
import type { CityEvent } from '../events/event.js';
import type { LiveHub } from './live-hub.js';

/**
 * The live feed when the processor runs in another process (`citystream serve` on its own, a deployed
 * API): every `intervalMs` one alerts read and one aggregations read of the newest items, and what is
 * new or changed since the previous read goes to the hub. It sees the newest 100 of each, so it is a
 * view of what is happening now, not a complete log (the REST API is); rates and dead letters are not
 * in the tables, so they stay empty. The first read only learns what is there.
 */

const NEWEST = 100;

export function pollTables(hub: LiveHub, read: () => ReadContext, intervalMs: number): () => void {
  hub.source = 'tables';
  const seenAlerts = new Set<string>();
  const windows = new Map<string, string>();
  let first = true;
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const [alerts, recent] = await Promise.all([
        recentAlerts(read(), { hours: 24, limit: NEWEST }),
        aggregations(read(), { limit: NEWEST }),
      ]);
      for (const alert of [...alerts.items].reverse()) {
        if (seenAlerts.has(alert.event_id)) continue;
        seenAlerts.add(alert.event_id);
        if (!first) hub.push({ type: 'alert', data: alert as CityEvent });
      }
      if (seenAlerts.size > NEWEST * 20)
        trim(
          seenAlerts,
          alerts.items.map((a) => a.event_id),
        );
      for (const w of [...recent.items].reverse()) {
        const key = `${w.city}#${w.event_type}@${w.window_start}`;
        const state = JSON.stringify(w);
        if (windows.get(key) === state) continue;
        windows.set(key, state);
        if (!first) hub.push({ type: 'window', data: { ...w, partition: null } });
      }
      if (windows.size > NEWEST * 20) {
        const current = new Set(recent.items.map((w) => `${w.city}#${w.event_type}@${w.window_start}`));
        for (const key of windows.keys()) if (!current.has(key)) windows.delete(key);
      }
      first = false;
    } catch {
      // DynamoDB away: /health and /services say so; the next tick tries again.
    } finally {
      running = false;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function trim(seen: Set<string>, keep: string[]): void {
  seen.clear();
  for (const id of keep) seen.add(id);
}
