import { UserError } from '../../errors.js';
import { parseArchiveTarget } from '../../processor/archive/target.js';

/** Characters a host directory may have: it goes into a systemd unit (ReadWritePaths) unquoted. */
const UNIT_SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;

/**
 * `deploy --archive`: the archive target as `process --archive` parses it, plus what a host directory
 * must be to be named in the processor's unit. The value kept is the parsed target's canonical URL.
 */
export function hostArchiveTarget(value: string): string {
  const target = parseArchiveTarget(value);
  if (target.kind === 'file' && !UNIT_SAFE_PATH.test(target.root))
    throw new UserError(
      `--archive: the host directory "${target.root}" may hold only letters, digits, ".", "_", "-" and "/"`,
      {
        hint: 'it is named unquoted in the processor unit; choose a directory such as /var/lib/citystream-archive',
      },
    );
  return target.url;
}
