/**
 * Reads a `by-day` index one UTC day at a time, newest day first, until `want` items are found or the
 * days run out; the items come back in the days' order (each day's as `read` returned them).
 *
 * When `firstIsGuard` is set, the first day is tomorrow, read only so that an item stamped slightly ahead
 * of this clock is not missed: it is almost always empty, so it and the next day (today) are read at the
 * same time. That is the same Queries as reading them one after the other, one round trip sooner; the
 * only extra read is today's when tomorrow alone already held `want` items.
 */
export async function readDaysNewestFirst<T>(
  days: readonly string[],
  want: number,
  read: (day: string, upTo: number) => Promise<T[]>,
  options: { firstIsGuard: boolean },
): Promise<T[]> {
  const found: T[] = [];
  let next = 0;
  if (options.firstIsGuard && days.length >= 2) {
    const [guard, today] = await Promise.all([read(days[0]!, want), read(days[1]!, want)]);
    found.push(...guard, ...today);
    next = 2;
  }
  for (; next < days.length && found.length < want; next++)
    found.push(...(await read(days[next]!, want - found.length)));
  return found;
}
