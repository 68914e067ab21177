import { isRetryableDynamoError } from '../clients/dynamodb.js';
import { isExpectedError } from '../errors.js';

/** The one error body the API sends: a stable code, the offending parameter if any, and a sentence. */
export interface ErrorBody {
  error:
    | 'invalid_parameter'
    | 'bad_request'
    | 'unauthorized'
    | 'not_found'
    | 'service_unavailable'
    | 'internal_error';
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
