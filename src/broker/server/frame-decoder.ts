import { ProtocolError } from '../protocol/protocol-error.js';

/**
 * Splits a TCP byte stream into Kafka's size-prefixed frames (int32 length, then that many bytes).
 *
 * The length is checked against the limit as soon as its four bytes arrive, before anything is buffered
 * for the frame, so a 2 GiB prefix costs nothing. Chunks are kept as they arrive and joined once per frame.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frameLength = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet returned as a frame (what a closed connection left half-sent). */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Feeds bytes; returns every frame they complete. Throws ProtocolError on an illegal length. */
  push(data: Buffer): Buffer[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.frameLength < 0) {
        if (this.buffered < 4) break;
        const length = this.peekLength();
        if (length < 0 || length > this.maxFrameBytes)
          throw new ProtocolError(`frame length ${length} outside 0..${this.maxFrameBytes}`);
        this.consume(4);
        this.frameLength = length;
      }
      if (this.buffered < this.frameLength) break;
      frames.push(this.consume(this.frameLength));
      this.frameLength = -1;
    }
    return frames;
  }

  private peekLength(): number {
    const head = this.chunks[0]!;
    if (head.length >= 4) return head.readInt32BE(0);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.readInt32BE(0);
  }

  /** Takes the next n buffered bytes off the front. */
  private consume(n: number): Buffer {
    const head = this.chunks[0];
    let out: Buffer;
    if (head !== undefined && head.length >= n) {
      out = head.subarray(0, n);
      if (head.length === n) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
