import { sleep } from '../../store/retry.js';
import { ServiceError } from '../../errors.js';

/** How the AWS deploy waits: poll interval and deadline; tests make both short. */
export interface Timing {
  pollMs: number;
  timeoutMs: number;
  /** Attempts with a growing delay for eventual consistency (profile propagation, DependencyViolation). */
  retryDelaysMs: readonly number[];
}

export const DEFAULT_TIMING: Timing = {
  pollMs: 5000,
  timeoutMs: 15 * 60_000,
  retryDelaysMs: [2000, 4000, 8000, 15_000, 15_000, 20_000, 30_000, 30_000],
};

/** Polls `check` until it returns a value (not undefined), or fails with `what` at the deadline. */
export async function pollUntil<T>(
  timing: Timing,
  what: string,
  check: () => Promise<T | undefined>,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + timing.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new ServiceError(`timed out waiting for ${what}`, {
        hint: 'run the command again; it continues from where it stopped',
      });
    }
    await sleep(timing.pollMs, signal);
  }
}

/** Runs `call`, retrying while `retryable(err)` with the timing's delays; the last failure is thrown. */
export async function retrying<T>(
  timing: Timing,
  retryable: (err: unknown) => boolean,
  call: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const delay = timing.retryDelaysMs[attempt];
      if (delay === undefined || !retryable(err)) throw err;
      await sleep(delay, signal);
    }
  }
}
