import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KafkajsRecordBatch {
  (args: object): Promise<{ buffer: Buffer }>;
}

/**
 * A record batch v2 encoded by kafkajs (not by the code under test), with optional idempotent-producer
 * fields and compression (1 = gzip).
 */
export async function makeBatch(
  values: string[],
  opts: {
    producerId?: number;
    producerEpoch?: number;
    firstSequence?: number;
    compression?: number;
    timestamp?: number;
    timestampDeltas?: number[];
  } = {},
): Promise<Buffer> {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
    RecordBatch: KafkajsRecordBatch;
  };
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (a: object) => unknown;
  const Long = require('kafkajs/src/utils/long') as { fromNumber(n: number): unknown };
  const ts = opts.timestamp ?? Date.now();
  const records = values.map((value, i) =>
    Record({ offsetDelta: i, timestampDelta: opts.timestampDeltas?.[i] ?? 0, key: null, value, headers: {} }),
  );
  const encoded = await RecordBatch({
    compression: opts.compression ?? 0,
    firstOffset: Long.fromNumber(0),
    firstTimestamp: ts,
    maxTimestamp: ts + Math.max(0, ...(opts.timestampDeltas ?? [0])),
    lastOffsetDelta: values.length - 1,
    producerId: Long.fromNumber(opts.producerId ?? -1),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.firstSequence ?? 0,
    records,
  });
  return Buffer.from(encoded.buffer);
}
