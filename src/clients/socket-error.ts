/** Socket failures that mean "could not reach the server at all", as SDK requests report them. */
export const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** The same, and a connection the server (or a proxy) dropped mid-request: worth saying for AWS APIs. */
export const REACH_CODES: ReadonlySet<string> = new Set([...CONNECTION_CODES, 'ECONNRESET']);

/**
 * The socket error code of a failed connection, also when Node reports several attempts at once (an
 * AggregateError of its address attempts); undefined when the failure was not one of `codes`.
 */
export function connectionCode(
  err: unknown,
  codes: ReadonlySet<string> = CONNECTION_CODES,
): string | undefined {
  const e = err as { code?: string; errors?: unknown[] } | null;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.code === 'string' && codes.has(e.code)) return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = connectionCode(inner, codes);
      if (code) return code;
    }
  }
  return undefined;
}
