import { createServer, type Server, type Socket } from 'node:net';
import type { BrokerState } from '../broker-state.js';
import type { AnyApiHandler } from '../protocol/api-definition.js';
import { Connection } from './connection.js';

export interface KafkaServer {
  /** The bound address (port 0 resolved to the real port). */
  host: string;
  port: number;
  /** Stops accepting, closes every connection, and resolves when the listener is closed. */
  close(): Promise<void>;
}

/** Listens on host:port and serves every connection with the registered handlers. */
export async function listen(
  host: string,
  port: number,
  handlers: readonly AnyApiHandler[],
  state: BrokerState,
): Promise<KafkaServer> {
  const byKey = new Map(handlers.map((h) => [h.api.apiKey, h]));
  const connections = new Set<Connection>();
  let nextId = 1;
  const server: Server = createServer((socket: Socket) => {
    const connection = new Connection(socket, nextId++, { handlers: byKey, state, maxInFlight: 64 });
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    host,
    port: address.port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c.close(null);
      await closed;
    },
  };
}
