import { isExpectedError, ServiceError } from '../errors.js';

/** One line for an expected error; a stack and a report request for a bug (stack only with --debug). */
export function formatError(err: unknown, debug: boolean): string {
  if (isExpectedError(err)) {
    const line = `Error: ${err.message}${err.hint ? ` — ${err.hint}` : ''}`;
    if (!debug || err.cause === undefined) return line;
    return `${line}\n${describeCause(err.cause)}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (debug && err instanceof Error && err.stack) return `Internal error: ${err.stack}`;
  return `Internal error: ${message}\n${REPORT}`;
}

const REPORT = 'This is a bug in citystream; re-run with --debug for the stack and please report it.';

/**
 * The error as one JSON document, for `--json` (printed on stderr as a single line):
 * `{"error": {"kind": "user" | "service" | "internal", "message", "hint"?, "cause"?, "stack"?}}`.
 * `kind` is whose fault it is, as the exit code says (2, 3, 1); `cause` and `stack` only with --debug.
 */
export interface ErrorDocument {
  error: {
    kind: 'user' | 'service' | 'internal';
    message: string;
    hint?: string;
    cause?: string;
    stack?: string;
  };
}

export function errorDocument(err: unknown, debug: boolean): ErrorDocument {
  if (isExpectedError(err)) {
    const kind = err instanceof ServiceError ? 'service' : 'user';
    return {
      error: {
        kind,
        message: err.message,
        ...(err.hint ? { hint: err.hint } : {}),
        ...(debug && err.cause !== undefined ? { cause: describeCause(err.cause) } : {}),
      },
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    error: {
      kind: 'internal',
      message,
      hint: REPORT,
      ...(debug && err instanceof Error && err.stack ? { stack: err.stack } : {}),
    },
  };
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `Caused by: ${cause.stack ?? cause.message}`;
  return `Caused by: ${String(cause)}`;
}
