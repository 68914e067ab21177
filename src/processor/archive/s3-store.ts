import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ServiceError } from '../../errors.js';
import type { ArchiveStore } from './store.js';

/** DeleteObjects takes at most 1 000 keys a request. */
const DELETE_CHUNK = 1000;

/**
 * The archive under an S3 prefix. An object is one upload (lib-storage: a single PUT up to 5 MiB, a
 * multipart upload above), visible whole or not at all. The client (clients/s3.ts) translates failures.
 */
export class S3Store implements ArchiveStore {
  readonly url: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.url = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  }

  /** A one-key listing: the bucket exists, the credentials work, and the archive may list its prefix. */
  async check(): Promise<void> {
    await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.fullKey(''), MaxKeys: 1 }),
    );
  }

  async put(key: string, body: Buffer): Promise<void> {
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.fullKey(key), Body: body, ContentType: 'application/gzip' },
    }).done();
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.fullKey(prefix),
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(this.relative(object.Key));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
      const chunk = keys.slice(i, i + DELETE_CHUNK);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: chunk.map((k) => ({ Key: this.fullKey(k) })), Quiet: true },
        }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0)
        throw new ServiceError(
          `S3 did not delete ${failed.length} archive object(s) under ${this.url} (${failed[0]?.Code ?? 'error'}: ${failed[0]?.Key ?? ''})`,
          { hint: 'the archive needs s3:DeleteObject on its prefix' },
        );
    }
  }

  /** A single PUT leaves nothing when interrupted; a bucket lifecycle rule aborts stale multipart uploads. */
  async discardUnfinished(): Promise<void> {}

  close(): void {
    this.client.destroy();
  }

  private fullKey(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private relative(full: string): string {
    return this.prefix ? full.slice(this.prefix.length + 1) : full;
  }
}
