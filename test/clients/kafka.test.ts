import { describe, expect, it } from 'vitest';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import {
  assertBrokerReachable,
  isConnectionError,
  translateKafkaError,
  unreachableError,
} from '../../src/clients/kafka.js';
import { ServiceError, UserError } from '../../src/errors.js';

const local = { brokers: ['127.0.0.1:9092'], target: 'local' as const };
const aws = { brokers: ['b-1.example:9092'], target: 'aws' as const };

describe('Kafka client errors', () => {
  it('blames a missing local broker on the user and says how to start one', () => {
    const err = unreachableError(local);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('no Kafka broker at 127.0.0.1:9092');
    expect((err as UserError).hint).toContain('citystream up');
  });

  it('suggests citystream up only for the embedded broker', () => {
    expect((unreachableError({ ...local, brokers: ['127.0.0.1:9500'] }) as UserError).hint).toBe(
      'start a broker there, or correct --brokers',
    );
    expect(
      (unreachableError({ ...local, brokers: ['127.0.0.1:9500'], brokerPort: 9500 }) as UserError).hint,
    ).toContain('citystream up');
  });

  it('reports an unreachable remote cluster as a service failure', () => {
    expect(unreachableError(aws)).toBeInstanceOf(ServiceError);
  });

  it('finds a connection failure inside kafkajs retry wrappers', () => {
    const wrapped = new KafkaJSNumberOfRetriesExceeded(
      new KafkaJSConnectionError('Connection error', { code: 'ECONNREFUSED' } as never),
      {
        retryCount: 5,
        retryTime: 100,
      },
    );
    expect(isConnectionError(wrapped)).toBe(true);
    expect(translateKafkaError(wrapped, local, 'produce')).toBeInstanceOf(UserError);
    expect(isConnectionError(new Error('TOPIC_AUTHORIZATION_FAILED'))).toBe(false);
    const other = translateKafkaError(new Error('boom'), aws, 'produce');
    expect(other).toBeInstanceOf(ServiceError);
    expect(other.message).toBe('Kafka produce failed: boom');
  });

  it('fails fast when nothing listens', async () => {
    await expect(assertBrokerReachable({ brokers: ['127.0.0.1:1'], target: 'local' })).rejects.toThrow(
      'no Kafka broker at 127.0.0.1:1',
    );
  });
});
