import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/broker/log/crc32c.js';
import {
  BatchValidationError,
  crcMatches,
  readBatchHeader,
  splitAndValidate,
} from '../../../src/broker/log/record-batch.js';
import { topicNameProblem } from '../../../src/broker/log/topic-name.js';
import { makeBatch } from './batch-fixture.js';
import { batch, valueRecord } from './record-batch-fixture.js';

describe('Log > record batch', () => {
  it('computes CRC-32C (the standard check value)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('accepts kafkajs batches, plain and gzip', async () => {
    expect(splitAndValidate(await makeBatch(['a', 'b']), 1 << 20)).toHaveLength(1);
    expect(splitAndValidate(await makeBatch(['a', 'b', 'c'], { compression: 1 }), 1 << 20)).toHaveLength(1);
  });

  it('refuses a corrupted CRC, a batch running past the field, and a wrong record count', async () => {
    const bad = await makeBatch(['hello']);
    bad[bad.length - 1]! ^= 1;
    expect(() => splitAndValidate(bad, 1 << 20)).toThrow(/CRC/);
    const short = (await makeBatch(['hello'])).subarray(0, 70);
    expect(() => splitAndValidate(short, 1 << 20)).toThrow(BatchValidationError);
    const gz = await makeBatch(['x'.repeat(10_000)], { compression: 1 });
    expect(() => splitAndValidate(gz, 1000)).toThrow(/gzip/); // decompression is bounded
  });

  it('accepts negative timestamps as Kafka does, whose maximum then stays at -1 (NO_TIMESTAMP)', () => {
    const b = batch([valueRecord('old', 0)], { baseTimestamp: -5, maxTimestamp: -5 });
    expect(splitAndValidate(b, 1 << 20)).toHaveLength(1);
    expect(readBatchHeader(b).maxTimestamp).toBe(-1);
    expect(crcMatches(b)).toBe(true);
  });

  it('validates topic names as Kafka does', () => {
    expect(topicNameProblem('city-events.dlq_2')).toBeNull();
    expect(topicNameProblem('')).not.toBeNull();
    expect(topicNameProblem('.')).not.toBeNull();
    expect(topicNameProblem('..')).not.toBeNull();
    expect(topicNameProblem('a'.repeat(249))).toBeNull();
    expect(topicNameProblem('a'.repeat(250))).not.toBeNull();
    expect(topicNameProblem('bad/name')).not.toBeNull();
  });
});
