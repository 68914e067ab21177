import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';

/**
 * The consumer loop's plumbing that the city and clickstream processors share: their Kafka clients, the
 * run of the consumer, one task at a time per partition, in the order they come (a batch, the idle
 * tick, an assignment), and the orderly stop.
 */

export interface LoopClients {
  consumer: Consumer;
  /** For the DLQ. */
  producer: Producer;
  /** For the partitions' offsets (lag, a partition's start). */
  admin: Admin;
}

export interface GroupSettings {
  group: string;
  /** Default 30 s. */
  sessionTimeoutMs?: number;
  /** Default 3 s; never more than a third of the session timeout, as Kafka requires. */
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for members to rejoin; default 30 s. */
  rebalanceTimeoutMs?: number;
}

/** The clients of one processor member: not connected yet, so that stop can close them whatever happens. */
export function loopClients(kafka: Kafka, settings: GroupSettings): LoopClients {
  const sessionTimeout = settings.sessionTimeoutMs ?? 30_000;
  return {
    producer: kafka.producer({ allowAutoTopicCreation: true, idempotent: false }),
    admin: kafka.admin(),
    consumer: kafka.consumer({
      groupId: settings.group,
      sessionTimeout,
      rebalanceTimeout: settings.rebalanceTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(settings.heartbeatIntervalMs ?? 3_000, Math.floor(sessionTimeout / 3)),
      maxBytesPerPartition: 1024 * 1024,
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 },
    }),
  };
}

/**
 * Connects the clients and runs the consumer: offsets committed by the processor itself (never by
 * kafkajs), each partition's batches one at a time through `locks`, `concurrency` partitions at once.
 * `onCrash` hears of a crash kafkajs will not restart from.
 */
export async function runLoop(
  clients: LoopClients,
  options: {
    topic: string;
    fromBeginning?: boolean;
    concurrency: number;
    locks: PartitionLocks;
    eachBatch: (payload: EachBatchPayload) => Promise<void>;
    onCrash: (err: unknown) => void;
  },
): Promise<void> {
  const { consumer, producer, admin } = clients;
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) options.onCrash(event.payload.error);
  });
  await Promise.all([producer.connect(), admin.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.concurrency,
    eachBatch: (payload) => options.locks.run(payload.batch.partition, () => options.eachBatch(payload)),
  });
}
export class PartitionLocks {
  private readonly locks = new Map<number, Promise<unknown>>();

  /** Runs `task` after the partition's previous task settled (whether it failed or not). */
  run<T>(partition: number, task: () => Promise<T>): Promise<T> {
    const next = (this.locks.get(partition) ?? Promise.resolve()).catch(() => {}).then(task);
    this.locks.set(
      partition,
      next.catch(() => {}),
    );
    return next;
  }

  /** Settles when every task started so far has settled. */
  async drain(): Promise<void> {
    await Promise.all([...this.locks.values()].map((p) => p.catch(() => {})));
  }
}

/**
 * Stops consuming: no new batches, the batches in flight finish (and commit), the member leaves the group,
 * and the clients close, even when leaving fails.
 */
export async function stopConsuming(clients: {
  consumer?: Consumer;
  producer?: Producer;
  admin?: Admin;
  locks: PartitionLocks;
}): Promise<void> {
  try {
    await clients.consumer?.stop();
    await clients.locks.drain();
    await clients.consumer?.disconnect();
  } finally {
    await Promise.allSettled([clients.producer?.disconnect(), clients.admin?.disconnect()]);
  }
}

/** The sum of the partitions' lags. */
export function totalOf(lag: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const v of lag.values()) sum += v;
  return sum;
}
