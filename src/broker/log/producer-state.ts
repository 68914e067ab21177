import type { BatchHeader } from './record-batch.js';

/** The last few batches of one idempotent producer on one partition (Kafka keeps five). */
interface ProducerEntry {
  epoch: number;
  batches: { firstSeq: number; lastSeq: number; baseOffset: number }[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH' };

const KEPT_BATCHES = 5;

/**
 * Per-partition sequence checks for idempotent producers (producerId >= 0): the next batch must start at
 * the last sequence + 1; a retry of one of the last five batches is answered with its original offset
 * instead of being written twice; an older epoch is fenced. On start the state is rebuilt from the
 * partition's recent segments (see PartitionLog.open), which hold every batch whose reply a crash may
 * have cut off; a producer whose last batch is older than that is unknown, and its first batch is
 * accepted at any sequence (as Kafka does for an unknown producer id once its state has expired).
 */
export class ProducerStates {
  private readonly producers = new Map<bigint, ProducerEntry>();
  private maxId = -1n;

  /** The highest producer id recorded (-1 if none): InitProducerId hands out ids above it. */
  get maxProducerId(): bigint {
    return this.maxId;
  }

  check(h: BatchHeader): SequenceCheck {
    if (h.producerId < 0n || h.baseSequence < 0) return { kind: 'append' };
    const entry = this.producers.get(h.producerId);
    if (entry === undefined) return { kind: 'append' };
    if (h.producerEpoch < entry.epoch) return { kind: 'error', error: 'INVALID_PRODUCER_EPOCH' };
    if (h.producerEpoch > entry.epoch)
      return h.baseSequence === 0
        ? { kind: 'append' }
        : { kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' };
    const dup = entry.batches.find((b) => b.firstSeq === h.baseSequence);
    if (dup !== undefined) return { kind: 'duplicate', baseOffset: dup.baseOffset };
    const last = entry.batches.at(-1);
    if (last !== undefined && h.baseSequence !== nextSequence(last.lastSeq))
      return { kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' };
    return { kind: 'append' };
  }

  /** Records an appended batch (call only after check() said append, before the next check). */
  record(h: BatchHeader, baseOffset: number): void {
    if (h.producerId < 0n || h.baseSequence < 0) return;
    if (h.producerId > this.maxId) this.maxId = h.producerId;
    let entry = this.producers.get(h.producerId);
    if (entry === undefined || entry.epoch !== h.producerEpoch) {
      entry = { epoch: h.producerEpoch, batches: [] };
      this.producers.set(h.producerId, entry);
    }
    const lastSeq = (h.baseSequence + h.lastOffsetDelta) % 2 ** 31;
    entry.batches.push({ firstSeq: h.baseSequence, lastSeq, baseOffset });
    if (entry.batches.length > KEPT_BATCHES) entry.batches.shift();
  }
}

/** Sequences wrap from int32 max to 0. */
function nextSequence(seq: number): number {
  return seq === 2 ** 31 - 1 ? 0 : seq + 1;
}
