/** Pure date arithmetic on the canonical ISO-8601 UTC strings and `YYYY-MM-DD` days the tables use. */

const DAY_MS = 86_400_000;

/** The UTC day of an instant, as stored in `day` / `window_day` attributes. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Epoch seconds, as the TTL attribute `expires_at` stores them. */
export function epochSeconds(instant: Date): number {
  return Math.floor(instant.getTime() / 1000);
}

export function hoursBefore(instant: Date, hours: number): Date {
  return new Date(instant.getTime() - hours * 3_600_000);
}

export function daysBefore(instant: Date, days: number): Date {
  return new Date(instant.getTime() - days * DAY_MS);
}

/** Every UTC day from `newest` back to `oldest`, both included, newest first. Empty if oldest > newest. */
export function daysNewestFirst(newest: Date, oldest: Date): string[] {
  const days: string[] = [];
  const stop = dayOf(oldest);
  for (let t = Date.parse(`${dayOf(newest)}T00:00:00.000Z`); ; t -= DAY_MS) {
    const day = dayOf(new Date(t));
    if (day < stop) break;
    days.push(day);
  }
  return days;
}

/** The first day whose rollup row still counts: rows older than the TTL describe deleted events. */
export function oldestLiveDay(now: Date, ttlDays: number): string {
  return dayOf(daysBefore(now, ttlDays));
}
