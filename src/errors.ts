/**
 * Errors are classified by whose fault they are, because that decides what the user sees:
 * - UserError: a mistake the user can fix (bad flag, unknown table, nothing listening). One line, no stack.
 * - ServiceError: something outside citystream failed (DynamoDB outage, broker refused). One line, no stack.
 * - anything else is a bug in citystream: stack under --debug, and a request to report it.
 * Foreign errors (SDK, kafkajs, socket codes) are translated into these once, in the client that meets them.
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

/** An error citystream expected and can explain in one line; its subclass says whose fault it is. */
export abstract class ExpectedError extends Error {
  abstract readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint;
  }
}

export class UserError extends ExpectedError {
  readonly exitCode: number = ExitCode.user;
}

export class ServiceError extends ExpectedError {
  readonly exitCode: number = ExitCode.service;
}

export function isExpectedError(err: unknown): err is ExpectedError {
  return err instanceof ExpectedError;
}
