import { STATUS_CODES } from 'node:http';
import { isRetryableDynamoError } from '../clients/dynamodb.js';
import { isExpectedError } from '../errors.js';

/** The API's error codes, one per row of the table in docs/api.md. */
export const ERROR_CODES = [
  'invalid_parameter',
  'bad_request',
  'unauthorized',
  'not_found',
  'request_too_large',
  'request_timeout',
  'service_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error body the API sends: a stable code, the offending parameter if any, and a sentence. */
export interface ErrorBody {
  error: ErrorCode;
  parameter?: string;
  message: string;
}

/** An error that carries its wire form (dynalite's model): the status code and the body to send. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
}

export function invalidParameter(parameter: string, message: string): ApiError {
  return new ApiError(400, { error: 'invalid_parameter', parameter, message: `${parameter}: ${message}` });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, { error: 'bad_request', message });
}

export interface ErrorReply {
  status: number;
  body: ErrorBody;
  /** True when the error had no wire form: a bug in citystream, to be logged with its stack. */
  bug: boolean;
}

/**
 * Decides what the client sees for any error, in one place:
 * - an ApiError: its own wire form;
 * - a framework error with a 4xx status (malformed URL, …): 400 with fastify's message;
 * - DynamoDB down, throttled, slow past the request deadline, or a table missing (translated by
 *   clients/dynamodb into UserError or ServiceError, or a retryable SDK error left over after retries): 503;
 * - anything else: 500 with a fixed sentence. Never a stack trace.
 */
export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof ApiError) return { status: err.status, body: err.body, bug: false };
  if (isExpectedError(err)) {
    const message = `DynamoDB is unavailable: ${err.message}${err.hint ? ` — ${err.hint}` : ''}`;
    return { status: 503, body: { error: 'service_unavailable', message }, bug: false };
  }
  const name = (err as { name?: string } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return {
      status: 503,
      body: { error: 'service_unavailable', message: 'DynamoDB did not answer in time; retry later' },
      bug: false,
    };
  }
  if (isRetryableDynamoError(err)) {
    return {
      status: 503,
      body: {
        error: 'service_unavailable',
        message: `DynamoDB is unavailable (${name ?? 'error'}); retry later`,
      },
      bug: false,
    };
  }
  const framework = err as { statusCode?: number; code?: string; message?: string } | null;
  if (
    typeof framework?.code === 'string' &&
    framework.code.startsWith('FST_') &&
    typeof framework.statusCode === 'number' &&
    framework.statusCode >= 400 &&
    framework.statusCode < 500
  ) {
    return {
      status: framework.statusCode === 404 ? 404 : 400,
      body: {
        error: framework.statusCode === 404 ? 'not_found' : 'bad_request',
        message: String(framework.message),
      },
      bug: false,
    };
  }
  return {
    status: 500,
    body: { error: 'internal_error', message: 'internal error; the server log has the details' },
    bug: true,
  };
}

/**
 * What to answer a request Node's HTTP parser refused before any route saw it (the `clientError` event):
 * headers or URL over the 16 KiB limit → 431, no complete request in time → 408, anything else → 400.
 * Undefined when the connection is gone and nothing can be sent.
 */
export function clientErrorResponse(err: { code?: string }): string | undefined {
  if (err.code === 'ECONNRESET') return undefined;
  let status = 400;
  let body: ErrorBody = { error: 'bad_request', message: 'the request could not be parsed as HTTP/1.1' };
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    body = {
      error: 'request_too_large',
      message: 'the URL and headers exceed 16 KiB; shorten the query (no parameter needs that much)',
    };
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    body = { error: 'request_timeout', message: 'the request did not arrive in time' };
  }
  const text = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  );
}
