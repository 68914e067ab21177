import { createInterface } from 'node:readline/promises';
import type { Context } from './context.js';
import { UserError } from '../errors.js';

/**
 * Asks before a destructive action. `--yes` skips the question; without a terminal to ask on, the
 * command refuses (a script must say --yes explicitly rather than have a prompt eat its input).
 */
export async function confirmDestructive(ctx: Context, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const input = ctx.io.stdin;
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
