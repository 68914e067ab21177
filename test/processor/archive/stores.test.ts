import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ServiceError, UserError } from '../../../src/errors.js';
import { FileStore } from '../../../src/processor/archive/file-store.js';
import { openStore, type ArchiveStore } from '../../../src/processor/archive/store.js';
import { parseArchiveTarget } from '../../../src/processor/archive/target.js';
import { freePort } from '../../support/free-port.js';
import { S3RVER_KEYS, startTestS3, type TestS3 } from '../../support/s3.js';

/**
 * The archive's two stores behind one contract, each against the real thing it writes to: a directory,
 * and an S3-compatible server (s3rver stands in for S3; nothing here can reach AWS). The S3 store is
 * opened as `process --archive s3://…` opens it: the client from clients/s3.ts, the endpoint from
 * AWS_ENDPOINT_URL_S3, the keys from the environment.
 */
const BUCKET = 'citystream-archive-test';
const REGION = { region: 'us-east-2' };
let s3: TestS3;
const dirs: string[] = [];

beforeAll(async () => {
  s3 = await startTestS3([BUCKET]);
});
afterAll(async () => {
  await s3?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'citystream-archive-'));
  dirs.push(dir);
  return dir;
}

function rawS3(): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: {
      accessKeyId: S3RVER_KEYS.AWS_ACCESS_KEY_ID,
      secretAccessKey: S3RVER_KEYS.AWS_SECRET_ACCESS_KEY,
    },
  });
}

interface Target {
  store: ArchiveStore;
  /** The bytes of an object, read past the store. */
  read(key: string): Promise<Buffer>;
}

const targets: Record<string, () => Promise<Target>> = {
  'file://': async () => {
    const root = await tempDir();
    const store = await openStore(parseArchiveTarget(`file://${root}`), REGION, {});
    return { store, read: (key) => readFile(path.join(root, ...key.split('/'))) };
  },
  's3:// (s3rver)': async () => {
    const prefix = `raw-${Math.random().toString(36).slice(2, 8)}`;
    const store = await openStore(parseArchiveTarget(`s3://${BUCKET}/${prefix}/`), REGION, s3.env);
    const client = rawS3();
    return {
      store,
      read: async (key) => {
        const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${key}` }));
        return Buffer.from(await got.Body!.transformToByteArray());
      },
    };
  },
};

describe.each(Object.keys(targets))('Archive store %s', (name) => {
  it('puts, lists by prefix, deletes; a listing of one partition leaves out partition 10', async () => {
    const { store, read } = await targets[name]!();
    await store.check();
    const keys = [
      't/dt=2026-11-22/hour=08/part-1-0-9.ndjson.gz',
      't/dt=2026-11-22/hour=08/part-1-10-19.ndjson.gz',
      't/dt=2026-11-22/hour=08/part-10-0-9.ndjson.gz',
      't/dt=2026-11-22/hour=09/part-1-20-29.ndjson.gz',
    ];
    for (const key of keys) await store.put(key, Buffer.from(`body of ${key}`));
    await store.put(keys[0]!, Buffer.from('rewritten')); // the same range again: the same object
    expect(await store.list('')).toEqual([...keys].sort());
    expect(await store.list('t/dt=2026-11-22/hour=08/part-1-')).toEqual([keys[0], keys[1]]);
    expect(await store.list('t/dt=2026-11-23/')).toEqual([]);
    expect((await read(keys[0]!)).toString()).toBe('rewritten');
    await store.delete([keys[1]!, keys[3]!]);
    expect(await store.list('t/')).toEqual([keys[0], keys[2]]);
    await store.delete([]);
    store.close();
  });

  it('lists and deletes past one page of keys (S3 pages at 1 000)', async () => {
    const { store } = await targets[name]!();
    const keys = Array.from(
      { length: 1_050 },
      (_, i) => `t/dt=2026-11-22/hour=10/part-0-${i}-${i}.ndjson.gz`,
    );
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, Buffer.from('x'))));
    await store.check(); // a one-key listing of a prefix that holds more
    const listed = await store.list('t/dt=2026-11-22/hour=10/part-0-');
    expect(listed).toHaveLength(keys.length);
    expect(new Set(listed)).toEqual(new Set(keys));
    await store.delete(listed);
    expect(await store.list('t/')).toEqual([]);
    store.close();
  });
});

describe('Archive store file://', () => {
  it('writes through a hidden temporary file; discardUnfinished removes those a crash left', async () => {
    const root = await tempDir();
    const store = new FileStore(root);
    const hour = path.join(root, 't', 'dt=2026-11-22', 'hour=08');
    await store.put('t/dt=2026-11-22/hour=08/part-0-0-4.ndjson.gz', Buffer.from('x'));
    expect(await readdir(hour)).toEqual(['part-0-0-4.ndjson.gz']);
    await writeFile(path.join(hour, '.part-0-5-9.ndjson.gz.1a2b3c.tmp'), 'half');
    await writeFile(path.join(hour, '.part-1-5-9.ndjson.gz.1a2b3c.tmp'), 'other partition');
    expect(await store.list('t/')).toEqual(['t/dt=2026-11-22/hour=08/part-0-0-4.ndjson.gz']);
    await store.discardUnfinished('t/dt=2026-11-22/hour=08/part-0-');
    expect((await readdir(hour)).sort()).toEqual([
      '.part-1-5-9.ndjson.gz.1a2b3c.tmp',
      'part-0-0-4.ndjson.gz',
    ]);
  });

  it('says in one line that a directory cannot be written', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, 'a-file'), '');
    const store = new FileStore(path.join(root, 'a-file', 'archive'));
    const err = await store.check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`cannot write the archive under ${root}/a-file/archive (ENOTDIR)`);
  });
});

describe('Archive store s3:// (s3rver): what the user sees when S3 cannot be used', () => {
  const check = async (url: string, env: Record<string, string>) => {
    const store = await openStore(parseArchiveTarget(url), REGION, env);
    try {
      return await store.check().then(
        () => undefined,
        (e: unknown) => e,
      );
    } finally {
      store.close();
    }
  };

  it('a bucket that does not exist', async () => {
    const err = await check('s3://no-such-bucket/raw', s3.env);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `bucket no-such-bucket does not exist (s3://no-such-bucket/raw at ${s3.endpoint})`,
    );
  });

  it('credentials the server rejects', async () => {
    const err = await check(`s3://${BUCKET}/raw`, {
      ...s3.env,
      AWS_SECRET_ACCESS_KEY: 'wrong',
      AWS_ACCESS_KEY_ID: 'nobody',
    });
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `S3 rejected the credentials for s3://${BUCKET}/raw at ${s3.endpoint} (InvalidAccessKeyId)`,
    );
  });

  it('an endpoint where nothing listens', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const err = await check(`s3://${BUCKET}/raw`, { ...s3.env, AWS_ENDPOINT_URL_S3: endpoint });
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `nothing is listening on ${endpoint}, the S3 endpoint of the archive`,
    );
  });

  it('no credentials anywhere', async () => {
    // The SDK's chain reads the process's own environment and files: point them all at nothing.
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_PROFILE', '');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', '');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', '');
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', '');
    try {
      const err = await check(`s3://${BUCKET}/raw`, { AWS_ENDPOINT_URL_S3: s3.endpoint });
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe('no AWS credentials found for the archive on S3');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a server error is the service’s fault, not a bug', async () => {
    const { translateS3Error } = await import('../../../src/clients/s3.js');
    const err = translateS3Error(
      Object.assign(new Error('We encountered an internal error'), {
        name: 'InternalError',
        $metadata: { httpStatusCode: 500 },
      }),
      { bucket: BUCKET, prefix: 'raw', region: 'us-east-2' },
      'PutObjectCommand',
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as Error).message).toBe(
      `s3:PutObject on s3://${BUCKET}/raw (us-east-2) failed on the server's side (InternalError)`,
    );
  });

  it('objects put by others under the prefix are listed too (the store reads S3, not a cache)', async () => {
    const store = await openStore(parseArchiveTarget(`s3://${BUCKET}/shared`), REGION, s3.env);
    await rawS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shared/t/x.ndjson.gz', Body: 'x' }));
    expect(await store.list('t/')).toEqual(['t/x.ndjson.gz']);
    store.close();
  });
});
