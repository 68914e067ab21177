/**
 * The archive group's commit metadata. Before a flush writes its objects, the archiver commits the
 * partition's current offset again with the hours the flush writes into; after the objects are written it
 * commits the next offset with empty metadata. So a committed offset that still carries hours says that a
 * flush may have left objects there, and a new owner looks only in those hours' directories for them
 * rather than listing the whole archive.
 */

const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

export function encodePendingHours(hours: readonly string[]): string {
  return hours.length === 0 ? '' : JSON.stringify({ archive: 1, pending: [...hours].sort() });
}

/** The hours a commit's metadata names; none for empty, foreign or unreadable metadata. */
export function decodePendingHours(metadata: string | null | undefined): string[] {
  if (!metadata) return [];
  try {
    const parsed = JSON.parse(metadata) as { archive?: unknown; pending?: unknown };
    if (parsed.archive !== 1 || !Array.isArray(parsed.pending)) return [];
    return parsed.pending.filter((h): h is string => typeof h === 'string' && HOUR.test(h));
  } catch {
    return [];
  }
}
