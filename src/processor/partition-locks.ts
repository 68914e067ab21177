import type { Admin, Consumer, Producer } from 'kafkajs';

/**
 * The consumer loop's plumbing that the city and clickstream processors share: one task at a time per
 * partition, in the order they come (a batch, the idle tick, an assignment), and the orderly stop.
 */
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
