/**
 * Errors are classified by whose fault they are, because that decides what the user sees:
 * - UserError: a mistake the user can fix (bad flag, unknown table, nothing listening). One line, no stack.
 * - ServiceError: something outside citystream failed (DynamoDB outage, broker refused). One line, no stack.
 * - anything else is a bug in citystream: stack under --debug, and a request to report it.
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  user: 2,
  service: 3,
  interrupted: 130,
} as const;

export interface ErrorDetails {
  /** What the user should do next, printed after the message. */
  hint?: string;
  cause?: unknown;
}

export class UserError extends Error {
  readonly exitCode: number = ExitCode.user;
  readonly hint?: string;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'UserError';
    this.hint = details.hint;
  }
}

export class ServiceError extends Error {
  readonly exitCode: number = ExitCode.service;
  readonly hint?: string;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'ServiceError';
    this.hint = details.hint;
  }
}

export function isExpectedError(err: unknown): err is UserError | ServiceError {
  return err instanceof UserError || err instanceof ServiceError;
}

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
