import { InvalidArgumentError } from 'commander';
import { parseArchiveTarget } from '../../processor/archive/target.js';

/** Characters a host directory may have: it goes into a systemd unit (ReadWritePaths) unquoted. */
const UNIT_SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;

/**
 * `deploy --archive`: the archive target as `process --archive` parses it, plus what a host directory
 * must be to be named in the processor's unit. The value kept is the parsed target's canonical URL.
 */
export function hostArchiveTarget(value: string): string {
  let target;
  try {
    target = parseArchiveTarget(value);
  } catch (err) {
    const message = (err as Error).message.replace(/^--archive: /, '');
    const hint = (err as { hint?: string }).hint;
    throw new InvalidArgumentError(hint ? `${message} — ${hint}` : message);
  }
  if (target.kind === 'file' && !UNIT_SAFE_PATH.test(target.root))
    throw new InvalidArgumentError(
      `the host directory "${target.root}" may hold only letters, digits, ".", "_", "-" and "/"`,
    );
  return target.url;
}
