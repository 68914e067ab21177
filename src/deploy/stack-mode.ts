import { access } from 'node:fs/promises';
import { awsRecordPath } from './aws/stack-record.js';
import { recordPath } from './stack-record.js';

/**
 * Where `status` and `teardown` without `--host` look for a stack: on AWS when this directory has its
 * AWS record (`<name>.aws.json`), or no record at all (AWS finds a stack by tag without one); on the host
 * of the --host record (`<name>.json`) otherwise.
 */
export async function stackMode(stacksDir: string, stack: string): Promise<'aws' | 'host'> {
  if (await exists(awsRecordPath(stacksDir, stack))) return 'aws';
  return (await exists(recordPath(stacksDir, stack))) ? 'host' : 'aws';
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
