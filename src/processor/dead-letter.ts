import type { IHeaders, Message } from 'kafkajs';
import type { DeadLetter } from './batch-planner.js';

/** Header names of a dead-letter record; `reason` is the one the DESIGN promises. */
export const DLQ_HEADERS = {
  reason: 'reason',
  topic: 'source-topic',
  partition: 'source-partition',
  offset: 'source-offset',
  window: 'window',
  duplicateOf: 'duplicate-of',
} as const;

/** The DLQ record of a rejected, late or duplicate message: the original key and bytes, the reason in a header. */
export function deadLetterMessage(topic: string, partition: number, letter: DeadLetter): Message {
  const headers: IHeaders = {
    [DLQ_HEADERS.reason]: letter.reason,
    [DLQ_HEADERS.topic]: topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: String(letter.offset),
  };
  if (letter.window) headers[DLQ_HEADERS.window] = letter.window;
  if (letter.duplicateOf) headers[DLQ_HEADERS.duplicateOf] = letter.duplicateOf;
  return { key: letter.key, value: letter.value, headers };
}
