/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * attempt n waits a uniformly random time in [0, min(cap, base * 2^n)). Full jitter spreads retries of
 * many writers that were throttled at the same moment, so they do not come back at the same moment.
 */
export interface BackoffPolicy {
  /** First retry's ceiling in ms. */
  baseMs: number;
  /** Largest ceiling in ms. */
  capMs: number;
  /** Give up once this much time has passed since the first attempt (ms). */
  totalMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 50, capMs: 5_000, totalMs: 60_000 };

/** The ceiling of the wait before retry number `retry` (0-based). Pure. */
export function backoffCeiling(policy: BackoffPolicy, retry: number): number {
  // 2^retry overflows to Infinity for large retries, which min() turns into the cap.
  return Math.min(policy.capMs, policy.baseMs * 2 ** retry);
}

/** The wait before retry number `retry`, given a random number in [0, 1). Pure. */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: number): number {
  return Math.floor(backoffCeiling(policy, retry) * random);
}

/** Time and randomness, injectable so tests can run a retry schedule without waiting. */
export interface RetryClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
  random: () => Math.random(),
};

/** A sleep that ends early (rejecting with the signal's reason) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal?: AbortSignal): unknown {
  return signal?.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal?.reason });
}

/** What one attempt reported: done with a value, or "try again" with what is left to do. */
export type AttemptOutcome<T> = { done: true; value: T } | { done: false; reason: string };

export interface RetryOptions {
  policy?: BackoffPolicy;
  clock?: RetryClock;
  signal?: AbortSignal;
  /** Called before each wait: a hook for metrics and debug logs. */
  onRetry?: (retry: number, delayMs: number, reason: string) => void;
}

export class RetryTimeoutError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastReason: string,
    readonly elapsedMs: number,
  ) {
    super(`gave up after ${attempts} attempts in ${elapsedMs} ms: ${lastReason}`);
    this.name = 'RetryTimeoutError';
  }
}

/**
 * Runs `attempt` until it reports done, waiting a backoff delay between attempts; throws a
 * RetryTimeoutError once the next wait would end past the policy's total time. Errors thrown by
 * `attempt` are not retried here: the attempt decides what is retryable and reports it as not done.
 */
export async function retryWithBackoff<T>(
  attempt: (n: number) => Promise<AttemptOutcome<T>>,
  options: RetryOptions = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_BACKOFF;
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  for (let n = 0; ; n += 1) {
    const outcome = await attempt(n);
    if (outcome.done) return outcome.value;
    const delay = backoffDelay(policy, n, clock.random());
    const elapsed = clock.now() - started;
    if (elapsed + delay > policy.totalMs) throw new RetryTimeoutError(n + 1, outcome.reason, elapsed);
    options.onRetry?.(n, delay, outcome.reason);
    await clock.sleep(delay, options.signal);
  }
}
