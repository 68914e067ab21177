import type { Socket } from 'node:net';
import type { BrokerState } from '../broker-state.js';
import {
  type AnyApiHandler,
  type ConnectionInfo,
  type HandlerContext,
  NO_RESPONSE,
} from '../protocol/api-definition.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { encodeUnsupportedApiVersions, API_VERSIONS_KEY } from './unsupported-api-versions.js';
import { FrameDecoder } from './frame-decoder.js';
import { readRequestHeader } from './request-header.js';

export interface ConnectionDeps {
  handlers: ReadonlyMap<number, AnyApiHandler>;
  state: BrokerState;
  /** Requests read but not yet answered before the connection stops reading (back-pressure). */
  maxInFlight: number;
}

/** A response slot: filled when its handler finishes; null for "no response" (acks=0). */
interface Slot {
  done: boolean;
  chunks: Buffer[] | null;
  /** Size of the request frame, held until the response is written. */
  requestBytes: number;
}

/**
 * One client connection: frames in, handlers run concurrently, responses out strictly in request order
 * (Kafka clients match responses by order as well as by correlation id). Any request it cannot serve
 * closes this connection, with one log line, and nothing else.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly slots: Slot[] = [];
  private readonly abort = new AbortController();
  /** What every handler of this connection sees; built once, the peer does not change. */
  private readonly info: ConnectionInfo;
  private closed = false;
  private clientId: string | null = null;
  /** Bytes of request frames not yet answered: bounded by one maximum frame before reading pauses. */
  private inFlightBytes = 0;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly deps: ConnectionDeps,
  ) {
    this.decoder = new FrameDecoder(deps.state.config.maxFrameBytes);
    this.info = {
      id,
      remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
      signal: this.abort.signal,
    };
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('drain', () => this.resumeIfIdle());
    socket.on('error', () => this.close(null));
    socket.on('close', () => this.close(null));
  }

  /** Closes the connection; `reason` is logged when the broker chose to close it. */
  close(reason: string | null): void {
    if (this.closed) return;
    this.closed = true;
    if (reason !== null) {
      const residue = this.decoder.pendingBytes > 0 ? `, ${this.decoder.pendingBytes} bytes unread` : '';
      this.deps.state.log(
        `connection #${this.id} from ${this.info.remoteAddress} (client ${this.clientId ?? 'unknown'}) closed: ${reason}${residue}`,
      );
    }
    this.abort.abort();
    this.slots.length = 0;
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(data);
    } catch (err) {
      this.close(err instanceof Error ? err.message : String(err));
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      const slot: Slot = { done: false, chunks: null, requestBytes: frame.length };
      this.slots.push(slot);
      this.inFlightBytes += frame.length;
      this.serve(frame).then(
        (chunks) => {
          slot.done = true;
          slot.chunks = chunks;
          this.flush();
        },
        (err: unknown) => this.close(describeFailure(err)),
      );
    }
    if (this.overLimits()) this.socket.pause();
  }

  /** Reads the header, finds the handler and codec, runs it, and encodes the framed response. */
  private async serve(frame: Buffer): Promise<Buffer[] | null> {
    const reader = new Reader(frame);
    const header = readRequestHeader(reader);
    this.clientId = header.clientId;
    const handler = this.deps.handlers.get(header.apiKey);
    if (handler === undefined) throw new ProtocolError(`unknown API key ${header.apiKey}`);
    const codec = handler.api.versions[header.apiVersion];
    if (codec === undefined) {
      // Kafka answers an ApiVersions it cannot parse with error 35 and its ranges, so clients can retry
      // with a version it supports; any other unsupported version closes the connection.
      if (header.apiKey === API_VERSIONS_KEY)
        return frameResponse(encodeUnsupportedApiVersions(header.correlationId, this.deps.state.apiVersions));
      throw new ProtocolError(`${handler.api.name} v${header.apiVersion} is not supported`);
    }
    const request = codec.decodeRequest(reader);
    const ctx: HandlerContext = {
      apiVersion: header.apiVersion,
      clientId: header.clientId,
      correlationId: header.correlationId,
      connection: this.info,
      broker: this.deps.state,
    };
    const response = await handler.handle(request, ctx);
    if (response === NO_RESPONSE) return null;
    const w = new Writer();
    w.int32(header.correlationId); // response header v0
    codec.encodeResponse(w, response);
    return frameResponse(w);
  }

  /** Writes every finished response at the head of the queue, in order. */
  private flush(): void {
    if (this.closed) return;
    let wrote = false;
    this.socket.cork();
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      this.inFlightBytes -= slot.requestBytes;
      for (const chunk of slot.chunks ?? []) {
        this.socket.write(chunk);
        wrote = true;
      }
    }
    this.socket.uncork();
    if (!wrote || this.socket.writableNeedDrain === false) this.resumeIfIdle();
  }

  private resumeIfIdle(): void {
    if (this.closed || this.socket.writableNeedDrain) return;
    if (!this.overLimits() && this.socket.isPaused()) this.socket.resume();
  }

  private overLimits(): boolean {
    return (
      this.slots.length >= this.deps.maxInFlight || this.inFlightBytes >= this.deps.state.config.maxFrameBytes
    );
  }
}

function frameResponse(w: Writer): Buffer[] {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length, 0);
  return [size, ...w.toChunks()];
}

function describeFailure(err: unknown): string {
  if (err instanceof ProtocolError) return err.message;
  // Not a client's fault: a bug in a handler. Log the stack so it can be fixed.
  return `internal error (a broker bug): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}
