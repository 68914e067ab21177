import { execFile, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crcMatches, readBatchHeader } from '../../../src/broker/log/record-batch.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { startTestBroker, type TestBroker } from '../broker-fixture.js';
import { batch, record, recordBody, valueRecord } from './record-batch-fixture.js';
import { RawProducer } from './raw-producer.js';

const run = promisify(execFile);
const hasKcat = spawnSync('kcat', ['-V']).status === 0;
const describeKcat = hasKcat || process.env.CI === 'true' ? describe : describe.skip;

let broker: TestBroker;
let producer: RawProducer;

beforeAll(async () => {
  broker = await startTestBroker({ partitions: 1 });
  producer = await RawProducer.open(broker.port);
});
afterAll(async () => {
  producer?.close();
  await broker?.dispose();
});

async function kcatValues(topic: string): Promise<string[]> {
  const { stdout } = await run(
    'kcat',
    ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\n'],
    { timeout: 20_000 },
  );
  return stdout.trim().split('\n');
}

let topicCount = 0;

/**
 * A good batch, then the bad one (refused with `errorCode`), then another good one; kcat -C -e must then
 * read exactly the two good messages (a stored bad batch makes it hang or read a phantom message).
 */
async function expectRefused(bad: Buffer, errorCode: number, logged: RegExp): Promise<void> {
  const topic = `malformed-${++topicCount}`;
  expect(await producer.produce(topic, batch([valueRecord('before', 0)]))).toBe(ErrorCode.NONE);
  expect(await producer.produce(topic, bad)).toBe(errorCode);
  expect(await producer.produce(topic, batch([valueRecord('after', 0)]))).toBe(ErrorCode.NONE);
  expect(broker.lines.some((l) => l.includes(`${topic}-0 refused`) && logged.test(l))).toBe(true);
  expect(await kcatValues(topic)).toEqual(['before', 'after']);
}

const good = (value: string, offsetDelta: number): Buffer => valueRecord(value, offsetDelta);
const body = (offsetDelta: number): Buffer => recordBody({ offsetDelta, value: Buffer.from('v') }).toBuffer();
/** A record from hand-written bytes after its length, with the length varint computed. */
const rawRecord = (w: Writer): Buffer => {
  const b = w.toBuffer();
  return Buffer.concat([new Writer().varint(b.length).toBuffer(), b]);
};
const { INVALID_RECORD, INVALID_TIMESTAMP } = ErrorCode;

describeKcat('Log > records', () => {
  describe('refuses a batch, which kcat then never sees', () => {
    it('whose record length is negative', async () => {
      const bad = Buffer.concat([new Writer().varint(-3).toBuffer(), body(0)]);
      await expectRefused(batch([bad]), INVALID_RECORD, /record 0: length -3/);
    });

    it('whose record length runs past the batch', async () => {
      await expectRefused(
        batch([record({ offsetDelta: 0, value: Buffer.from('v') }, 40)]),
        INVALID_RECORD,
        /length 40/,
      );
    });

    it('whose record length is shorter than its fields', async () => {
      const fields = body(0);
      const short = Buffer.concat([new Writer().varint(fields.length - 1).toBuffer(), fields]);
      await expectRefused(batch([short]), INVALID_RECORD, /record 0: /);
    });

    it('whose record length is longer than its fields', async () => {
      const fields = Buffer.concat([body(0), Buffer.from([0])]);
      const long = Buffer.concat([new Writer().varint(fields.length).toBuffer(), fields]);
      await expectRefused(batch([long]), INVALID_RECORD, /but its fields take/);
    });

    it('whose record has no attributes byte', async () => {
      await expectRefused(batch([new Writer().varint(0).toBuffer()]), INVALID_RECORD, /runs past the record/);
    });

    it('whose timestampDelta varint never ends', async () => {
      const w = new Writer().int8(0).raw(Buffer.alloc(11, 0xff)).varint(0).varint(-1).varint(-1).varint(0);
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /varlong longer than 10 bytes/);
    });

    it('whose offsetDelta varint never ends', async () => {
      const w = new Writer().int8(0).varlong(0).raw(Buffer.alloc(6, 0xff)).varint(-1).varint(-1).varint(0);
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /varint longer than 5 bytes/);
    });

    it('whose offset deltas are not 0..n-1 in order', async () => {
      await expectRefused(
        batch([good('a', 0), good('b', 2)], { lastOffsetDelta: 1 }),
        INVALID_RECORD,
        /record 1: offset delta 2, expected 1/,
      );
    });

    it('whose key length is below -1', async () => {
      const w = new Writer().int8(0).varlong(0).varint(0).varint(-2).varint(-1).varint(0);
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /key length -2/);
    });

    it('whose key runs past the record', async () => {
      const w = new Writer().int8(0).varlong(0).varint(0).varint(50).varint(-1).varint(0);
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /key length 50 runs past the record/);
    });

    it('whose value runs past the record', async () => {
      const w = new Writer()
        .int8(0)
        .varlong(0)
        .varint(0)
        .varint(-1)
        .varint(9)
        .raw(Buffer.from('abc'))
        .varint(0);
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /value length 9 runs past the record/);
    });

    it('whose header count is negative', async () => {
      const w = new Writer().int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(-1);
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /header count -1/);
    });

    it('whose header count is more than the record holds', async () => {
      const w = new Writer()
        .int8(0)
        .varlong(0)
        .varint(0)
        .varint(-1)
        .varint(-1)
        .varint(1000)
        .raw(Buffer.alloc(4));
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /header count 1000/);
    });

    it('whose header key length is negative', async () => {
      const w = new Writer()
        .int8(0)
        .varlong(0)
        .varint(0)
        .varint(-1)
        .varint(-1)
        .varint(1)
        .varint(-1)
        .varint(-1);
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /header key length -1/);
    });

    it('whose header value runs past the record', async () => {
      const w = new Writer().int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(1);
      w.varint(1).raw(Buffer.from('k')).varint(20).raw(Buffer.from('xy'));
      await expectRefused(batch([rawRecord(w)]), INVALID_RECORD, /header value length 20/);
    });

    it('that holds fewer records than its count', async () => {
      await expectRefused(
        batch([good('a', 0), good('b', 1)], { count: 3 }),
        INVALID_RECORD,
        /ends after 2 of 3/,
      );
    });

    it('that holds more records than its count', async () => {
      await expectRefused(
        batch([good('a', 0), good('b', 1)], { count: 1 }),
        INVALID_RECORD,
        /bytes after the last of 1 records/,
      );
    });

    it('with bytes after its last record', async () => {
      await expectRefused(
        batch([good('a', 0), Buffer.from([1, 2, 3])], { count: 1 }),
        INVALID_RECORD,
        /3 bytes after the last/,
      );
    });

    it('whose lastOffsetDelta does not match its count', async () => {
      await expectRefused(
        batch([good('a', 0), good('b', 1)], { lastOffsetDelta: 5 }),
        INVALID_RECORD,
        /lastOffsetDelta 5/,
      );
    });

    it('with no records', async () => {
      await expectRefused(batch([]), INVALID_RECORD, /record count 0/);
    });

    it('marked LogAppendTime by the producer', async () => {
      await expectRefused(batch([good('a', 0)], { attributes: 0x08 }), INVALID_TIMESTAMP, /LogAppendTime/);
    });

    it('with a producer id and a negative sequence', async () => {
      await expectRefused(
        batch([good('a', 0)], { producerId: 5n, baseSequence: -1 }),
        INVALID_RECORD,
        /sequence -1/,
      );
    });

    it('marked as a control batch', async () => {
      await expectRefused(batch([good('a', 0)], { attributes: 0x20 }), INVALID_RECORD, /control/);
    });

    it('gzip-compressed, whose records inside are malformed', async () => {
      await expectRefused(
        batch([good('a', 0), good('b', 0)], { gzip: true }),
        INVALID_RECORD,
        /record 1: offset delta 0/,
      );
    });
  });

  describe('accepts', () => {
    it('a gzip batch of records with keys, null values and headers, which kcat reads', async () => {
      const records = [
        record({
          offsetDelta: 0,
          key: Buffer.from('k'),
          value: Buffer.from('one'),
          headers: [{ key: 'h', value: null }],
        }),
        record({ offsetDelta: 1, value: null }),
        record({
          offsetDelta: 2,
          value: Buffer.from('three'),
          headers: [{ key: 'a', value: Buffer.from('b') }],
        }),
      ];
      expect(await producer.produce('well-formed', batch(records, { gzip: true }))).toBe(ErrorCode.NONE);
      expect(await kcatValues('well-formed')).toEqual(['one', '', 'three']);
    });

    it("a batch whose maxTimestamp is wrong, storing its records' largest timestamp as Kafka does", async () => {
      const base = 1_700_000_000_000;
      const records = [
        record({ offsetDelta: 0, timestampDelta: 5, value: Buffer.from('a') }),
        record({ offsetDelta: 1, timestampDelta: 90, value: Buffer.from('b') }),
        record({ offsetDelta: 2, timestampDelta: -3, value: Buffer.from('c') }),
      ];
      const sent = batch(records, { baseTimestamp: base, maxTimestamp: base + 1 });
      expect(await producer.produce('max-timestamp', sent)).toBe(ErrorCode.NONE);
      const stored = await readFile(path.join(broker.dataDir, 'max-timestamp-0', '00000000000000000000.log'));
      expect(readBatchHeader(stored).maxTimestamp).toBe(base + 90);
      expect(crcMatches(stored)).toBe(true);
      expect(await kcatValues('max-timestamp')).toEqual(['a', 'b', 'c']);
    });
  });
});
