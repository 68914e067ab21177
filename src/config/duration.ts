/** Durations as people write them (`250ms`, `30s`, `10m`, `1h30m`), for settings and flags alike. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `30s`, `10m`, `1.5h`, `2d`, or combinations such as `1h30m` → milliseconds; undefined if not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(s)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of s.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d)/g))
    total += Number(amount) * (UNITS[unit ?? ''] ?? NaN);
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** Formats milliseconds the way parseDuration reads them (for messages). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
