import type { Output } from './output.js';

export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
}

/**
 * A spinner on a terminal (ora), plain lines on stderr otherwise, nothing at all with --json.
 * ora is imported lazily so commands that never spin do not pay for it at start-up.
 */
export async function startProgress(out: Output, text: string): Promise<Progress> {
  if (out.json) return { update() {}, succeed() {}, fail() {} };
  if (!out.interactive) {
    out.info(text);
    return { update() {}, succeed: (t) => out.info(t), fail: (t) => out.info(t) };
  }
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: out.streams.stderr, color: out.color ? 'cyan' : false }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    succeed: (t) => void spinner.succeed(t),
    fail: (t) => void spinner.fail(t),
  };
}

/** Runs a task under a spinner; the spinner fails (and the error propagates) when the task throws. */
export async function withProgress<T>(
  out: Output,
  text: string,
  task: (progress: Progress) => Promise<T>,
  done: (result: T) => string,
): Promise<T> {
  const progress = await startProgress(out, text);
  try {
    const result = await task(progress);
    progress.succeed(done(result));
    return result;
  } catch (err) {
    progress.fail(text);
    throw err;
  }
}
