import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Records the name of every command a client sends (e.g. `QueryCommand`), for the no-scan tests. */
export function recordCommands(client: DynamoDBClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'citystreamTestRecorder' },
  );
  return sent;
}

/** The commands a read path may send: no Scan, ever. */
export const READ_COMMANDS = new Set(['QueryCommand', 'GetItemCommand', 'BatchGetItemCommand']);
