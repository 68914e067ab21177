import type { BrokerState } from '../../broker-state.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import {
  fetchApi,
  type FetchPartitionRequest,
  type FetchPartitionResponse,
  type FetchRequest,
  type FetchResponse,
} from './index.js';

/**
 * Reads whole batches from each requested partition, within partition_max_bytes and the request's
 * max_bytes (the first batch of the response is returned even when larger, as Kafka does, so a consumer
 * can always make progress). When fewer than min_bytes are available it waits, up to max_wait_ms, for an
 * append to any of the partitions, then reads again.
 */
export const fetchHandler: ApiHandler<FetchRequest, FetchResponse> = {
  api: fetchApi,
  async handle(request, ctx) {
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const logs = logsOf(ctx.broker, request);
    for (;;) {
      // Marks taken before reading: an append that lands while the partitions are being read is
      // noticed below instead of leaving the Fetch asleep until max_wait_ms.
      const marks = logs.map((l) => l.highWatermark);
      const responses = await readAll(ctx.broker, request);
      const bytes = responses.reduce(
        (n, t) => n + t.partitions.reduce((m, p) => m + (p.records?.length ?? 0), 0),
        0,
      );
      const hasError = responses.some((t) => t.partitions.some((p) => p.errorCode !== ErrorCode.NONE));
      const remaining = deadline - Date.now();
      if (bytes >= request.minBytes || hasError || remaining <= 0 || ctx.connection.signal.aborted)
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
      if (logs.every((l, i) => l.highWatermark === marks[i]))
        await waitForAppend(logs, remaining, ctx.connection.signal);
    }
  },
};

async function readAll(broker: BrokerState, request: FetchRequest): Promise<FetchResponse['responses']> {
  let budget = request.maxBytes > 0 ? request.maxBytes : Number.MAX_SAFE_INTEGER;
  let first = true;
  const responses: FetchResponse['responses'] = [];
  for (const t of request.topics) {
    const partitions: FetchPartitionResponse[] = [];
    for (const p of t.partitions) {
      const res = await readPartition(broker.topics.partition(t.topic, p.partition), p, budget, first);
      const size = res.records?.length ?? 0;
      budget -= size;
      if (size > 0) first = false;
      partitions.push(res);
    }
    responses.push({ topic: t.topic, partitions });
  }
  return responses;
}

async function readPartition(
  log: PartitionLog | undefined,
  p: FetchPartitionRequest,
  budget: number,
  first: boolean,
): Promise<FetchPartitionResponse> {
  const base = { partitionIndex: p.partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 };
  if (log === undefined) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, records: null };
  const marks = {
    highWatermark: log.highWatermark,
    lastStableOffset: log.highWatermark,
    logStartOffset: log.logStartOffset,
  };
  if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark)
    return { ...base, ...marks, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null };
  const maxBytes = Math.min(p.partitionMaxBytes, Math.max(budget, 0));
  if (maxBytes <= 0 && !first)
    return { ...base, ...marks, errorCode: ErrorCode.NONE, records: Buffer.alloc(0) };
  try {
    const read = await log.read(p.fetchOffset, maxBytes, first);
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      highWatermark: read.highWatermark,
      lastStableOffset: read.highWatermark,
      logStartOffset: read.logStartOffset,
      records: read.records,
    };
  } catch {
    // The partition was deleted (or its segment retired) while this read was in flight.
    return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, records: null };
  }
}

function logsOf(broker: BrokerState, request: FetchRequest): PartitionLog[] {
  return request.topics.flatMap((t) =>
    t.partitions.flatMap((p) => broker.topics.partition(t.topic, p.partition) ?? []),
  );
}

/** Resolves on the first append to any of the logs, after `ms`, or when the connection closes. */
async function waitForAppend(logs: PartitionLog[], ms: number, connection: AbortSignal): Promise<void> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  const onClose = (): void => stop.abort();
  connection.addEventListener('abort', onClose, { once: true });
  try {
    await Promise.race([...logs.map((l) => l.waitForAppend(stop.signal)), abortPromise(stop.signal)]);
  } finally {
    clearTimeout(timer);
    connection.removeEventListener('abort', onClose);
    stop.abort(); // releases the waiters on the other logs
  }
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
