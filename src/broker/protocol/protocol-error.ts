/**
 * A request the broker cannot make sense of: truncated, oversized, garbage, or an API/version it does not
 * speak. Kafka's answer to these is to close the connection (there is no way to frame an error response
 * for a request whose header or body cannot be read), so the server catches this type, logs one line with
 * `message`, and closes that connection only. Anything else thrown by a handler is a bug.
 */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The request ended before a field it declares (a length that runs past the frame, a short int). */
export class TruncatedRequestError extends ProtocolError {
  constructor(what: string, needed: number, available: number) {
    super(`truncated request: ${what} needs ${needed} bytes, ${available} left`);
    this.name = 'TruncatedRequestError';
  }
}
