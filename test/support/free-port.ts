import { createServer, type AddressInfo } from 'node:net';

/**
 * A port nothing listens on right now: listen on 0, read the port, close. For settings that have no "0"
 * and for "nothing listens there" cases; another process could take it in between, which is rare.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A port held by a listening server until `release()`: for "the port is already in use" cases. */
export async function takenPort(): Promise<{ port: number; release(): Promise<void> }> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const { port } = blocker.address() as AddressInfo;
  return { port, release: () => new Promise<void>((resolve) => blocker.close(() => resolve())) };
}
