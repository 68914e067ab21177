/**
 * Tumbling event-time windows: pure arithmetic on epoch milliseconds.
 * A window is the half-open interval [start, start + size); every instant belongs to exactly one.
 */
export interface Window {
  startMs: number;
  endMs: number;
}

/** The window that contains `eventMs`. Works for instants before 1970 too (floor, not truncation). */
export function windowOf(eventMs: number, sizeMs: number): Window {
  if (!(sizeMs > 0)) throw new RangeError(`window size must be positive, got ${sizeMs}`);
  const startMs = Math.floor(eventMs / sizeMs) * sizeMs;
  return { startMs, endMs: startMs + sizeMs };
}

/**
 * A window is final once the watermark has reached its end: every event still to come has an event
 * time >= watermark >= end, so none of them can belong to it.
 */
export function isFinal(window: Window, watermarkMs: number): boolean {
  return watermarkMs >= window.endMs;
}

/** Canonical ISO-8601 UTC with milliseconds, the form every table key uses (fixed width, sortable). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY_MS = 86_400_000;
/** The last day asked for: a batch's events nearly all fall on one day, and formatting a Date is costly. */
let lastDay = { index: NaN, text: '' };

/** The UTC day (`YYYY-MM-DD`) of an instant, the sort key of rollups. */
export function utcDay(ms: number): string {
  // Days are whole multiples of DAY_MS since the epoch (no leap seconds in epoch ms), so the index names the day.
  const index = Math.floor(ms / DAY_MS);
  if (index !== lastDay.index) lastDay = { index, text: isoTime(ms).slice(0, 10) };
  return lastDay.text;
}

export function minutesToMs(minutes: number): number {
  return Math.round(minutes * 60_000);
}
