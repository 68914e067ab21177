import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/**
 * A local S3-compatible server for the archive's tests: s3rver (from npm) stands in for S3, which nothing
 * here can reach. It speaks S3's REST API (path-style, SigV4 checked against its fixed keys), keeps
 * objects in a temp dir, and is reached the way a user reaches any S3-compatible endpoint: through
 * AWS_ENDPOINT_URL_S3 and the standard key variables in the CLI's environment.
 */
export interface TestS3 {
  endpoint: string;
  /** What a CLI run (or a child process) needs in its environment to use this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const S3RVER_KEYS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export async function startTestS3(buckets: readonly string[]): Promise<TestS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'citystream-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: { AWS_ENDPOINT_URL_S3: endpoint, ...S3RVER_KEYS },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
