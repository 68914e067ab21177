import { UserError } from '../errors.js';

export interface ListenTarget {
  /** What failed to start, as the user knows it: "the broker", "the embedded DynamoDB". */
  service: string;
  host: string;
  port: number;
  /** The flag that moves it, e.g. --api-port. */
  flag: string;
  /** What probably holds the port, e.g. "another `citystream up`?". */
  usual: string;
}

/**
 * Turns a failure to listen into the user's problem it almost always is (port taken, address not of this
 * machine, privileged port), naming the service and the flag that moves it. Anything else is returned as is.
 */
export function listenError(err: unknown, target: ListenTarget): unknown {
  const code = (err as { code?: string } | undefined)?.code;
  const { service, host, port, flag, usual } = target;
  if (code === 'EADDRINUSE') {
    return new UserError(`port ${port} on ${host} is already in use, so ${service} cannot start`, {
      hint: `stop whatever holds it (${usual}) or pick another port with ${flag}`,
      cause: err,
    });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
    return new UserError(`cannot listen on ${host}:${port} (${code}), so ${service} cannot start`, {
      hint: `use an address of this machine, and a port above 1023 unless running privileged (${flag})`,
      cause: err,
    });
  }
  return err;
}
