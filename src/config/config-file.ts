import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

export const CONFIG_FILE_NAME = 'citystream.config.json';

/**
 * Reads the config file: the one named by --config (which must exist), else citystream.config.json in
 * the working directory if there is one.
 */
export async function loadConfigFile(
  cwd: string,
  explicit?: string,
): Promise<{ path: string; values: Record<string, unknown> } | undefined> {
  const file = path.resolve(cwd, explicit ?? CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (err) {
    throw new UserError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new UserError(`config file ${file} must hold one JSON object of settings`);
  }
  return { path: file, values: values as Record<string, unknown> };
}
