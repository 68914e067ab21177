import type { Context } from './context.js';

export interface LongRunning {
  /** Said on stderr when Ctrl-C arrives, before `stop` runs: what stopping does. */
  stopping: string;
  /** Said once `stop` has finished. */
  stopped: string;
  stop(): Promise<void>;
  /** Settles if the service ends by itself; a rejection is rethrown after `stop`. */
  ended?: Promise<unknown>;
}

/**
 * How every long-running command (broker, dynamodb, serve, process, up) ends: it waits for Ctrl-C or
 * SIGTERM (ctx.signal) or for the service to fail on its own, then stops it and says so.
 */
export async function runUntilStopped(ctx: Context, service: LongRunning): Promise<void> {
  let failure: { error: unknown } | undefined;
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    service.ended?.then(
      () => resolve(),
      (error: unknown) => {
        failure = { error };
        resolve();
      },
    );
  });
  ctx.out.info(service.stopping);
  await service.stop();
  if (failure) throw failure.error;
  ctx.out.info(service.stopped);
}
