/**
 * Fault injection into a real endpoint: a client middleware that makes the first N calls of a command
 * fail the way DynamoDB fails under load (throttling, or part of a batch left unprocessed). The requests
 * that do go through are served by the real endpoint; nothing about DynamoDB is mocked.
 */
import {
  ProvisionedThroughputExceededException,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

export interface FaultPlan {
  /** e.g. 'BatchWriteItemCommand', 'UpdateItemCommand'. */
  command: string;
  /** The first N calls throw ProvisionedThroughputExceededException without reaching the endpoint. */
  throttleFirst?: number;
  /** The first N calls send only half of each table's requests and report the rest as UnprocessedItems. */
  unprocessedFirst?: number;
}

export interface FaultRecorder {
  /** Calls of the command seen (including failed ones). */
  calls: number;
  /** Requests of the command that were in flight at the same time, at most. */
  maxInFlight: number;
  /** Size of each BatchWriteItem sent to the endpoint (after any halving). */
  batchSizes: number[];
}

export function injectFaults(client: DynamoDBClient, plan: FaultPlan): FaultRecorder {
  const recorder: FaultRecorder = { calls: 0, maxInFlight: 0, batchSizes: [] };
  let inFlight = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== plan.command) return next(args);
      recorder.calls += 1;
      const call = recorder.calls;
      if (call <= (plan.throttleFirst ?? 0)) {
        throw new ProvisionedThroughputExceededException({
          message: 'injected: throughput exceeded',
          $metadata: { httpStatusCode: 400 },
        });
      }
      const input = args.input as { RequestItems?: Record<string, WriteRequest[]> };
      let held: Record<string, WriteRequest[]> = {};
      if (call <= (plan.unprocessedFirst ?? 0) && input.RequestItems) {
        const sent: Record<string, WriteRequest[]> = {};
        for (const [table, requests] of Object.entries(input.RequestItems)) {
          const half = Math.ceil(requests.length / 2);
          sent[table] = requests.slice(0, half);
          if (requests.length > half) held[table] = requests.slice(half);
        }
        input.RequestItems = sent;
      }
      if (input.RequestItems) {
        recorder.batchSizes.push(Object.values(input.RequestItems).reduce((n, r) => n + r.length, 0));
      }
      inFlight += 1;
      recorder.maxInFlight = Math.max(recorder.maxInFlight, inFlight);
      try {
        const result = await next(args);
        if (Object.keys(held).length > 0) {
          const output = result.output as { UnprocessedItems?: Record<string, WriteRequest[]> };
          for (const [table, requests] of Object.entries(output.UnprocessedItems ?? {})) {
            held[table] = [...(held[table] ?? []), ...requests];
          }
          output.UnprocessedItems = held;
          held = {};
        }
        return result;
      } finally {
        inFlight -= 1;
      }
    },
    { step: 'initialize', name: `faults-${plan.command}`, priority: 'low' },
  );
  return recorder;
}
