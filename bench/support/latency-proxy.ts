import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy that adds a fixed round-trip latency: every chunk is held `rttMs / 2` in each direction,
 * in order. Put in front of the embedded DynamoDB it stands in for the AWS case, where a writer is bound
 * by the network round trip rather than by the endpoint's CPU. Bench use only (loopback).
 */
export async function startLatencyProxy(
  upstream: { host: string; port: number },
  rttMs: number,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const oneWay = rttMs / 2;
  const sockets = new Set<Socket>();
  const delayed = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      // Timers of one duration fire in the order they were set, so the byte stream keeps its order.
      setTimeout(() => to.writable && to.write(chunk), oneWay);
    });
    from.on('end', () => setTimeout(() => to.end(), oneWay));
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    const remote = connect(upstream.port, upstream.host);
    for (const s of [client, remote]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.setNoDelay(true);
    }
    delayed(client, remote);
    delayed(remote, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
