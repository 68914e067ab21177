import { isExpectedError } from '../errors.js';

/** One line for an expected error; a stack and a report request for a bug (stack only with --debug). */
export function formatError(err: unknown, debug: boolean): string {
  if (isExpectedError(err)) {
    const line = `Error: ${err.message}${err.hint ? ` — ${err.hint}` : ''}`;
    if (!debug || err.cause === undefined) return line;
    return `${line}\n${describeCause(err.cause)}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (debug && err instanceof Error && err.stack) return `Internal error: ${err.stack}`;
  return `Internal error: ${message}\nThis is a bug in citystream; re-run with --debug for the stack and please report it.`;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `Caused by: ${cause.stack ?? cause.message}`;
  return `Caused by: ${String(cause)}`;
}
