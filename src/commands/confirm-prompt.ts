import { createInterface } from 'node:readline/promises';
import type { Readable } from 'node:stream';
import type { Context } from '../context.js';
import { UserError } from '../ui/errors.js';

/** The terminal input, when the IO has one (bin passes none today; tests pass a fake one). */
function inputOf(ctx: Context): (Readable & { isTTY?: boolean }) | undefined {
  const io = ctx.io as Context['io'] & { stdin?: Readable & { isTTY?: boolean } };
  return io.stdin ?? (process.stdin as Readable & { isTTY?: boolean });
}

/**
 * Asks before a destructive action. `--yes` skips the question; without a terminal to ask on, the
 * command refuses (a script must say --yes explicitly rather than have a prompt eat its input).
 */
export async function confirmDestructive(ctx: Context, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const input = inputOf(ctx);
  if (!ctx.out.interactive || !input?.isTTY) {
    throw new UserError('refusing to do this without confirmation', {
      hint: 'pass --yes to confirm (or --dry-run to see what would happen)',
    });
  }
  const rl = createInterface({ input, output: ctx.out.streams.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: ctx.signal });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
