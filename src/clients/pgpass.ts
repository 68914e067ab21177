import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Looks a password up in a PostgreSQL password file (`host:port:database:user:password` per line, `*`
 * matches anything, `\:` and `\\` are escapes), as libpq does: PGPASSFILE, else ~/.pgpass. A file that
 * others can read is ignored, as libpq ignores it.
 */
export interface PgPassKey {
  host: string;
  port: number;
  database: string;
  user: string;
}

export async function pgpassPassword(
  key: PgPassKey,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const file = env.PGPASSFILE ?? path.join(env.HOME ?? os.homedir(), '.pgpass');
  let text: string;
  try {
    if (((await stat(file)).mode & 0o077) !== 0) return undefined;
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return findPassword(text, key);
}

/** The password of the first matching line, or undefined. */
export function findPassword(text: string, key: PgPassKey): string | undefined {
  const wanted = [key.host, String(key.port), key.database, key.user];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = splitFields(line);
    if (fields.length !== 5) continue;
    if (wanted.every((w, i) => fields[i] === '*' || fields[i] === w)) return fields[4];
  }
  return undefined;
}

function splitFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) field += line[++i];
    else if (c === ':' && fields.length < 4) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
