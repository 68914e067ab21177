import type { CommandEntry } from './define-command.js';
import { brokerCommand } from './broker.js';
import { configCommand } from './config.js';
import { deployCommand } from './deploy/deploy.js';
import { logsCommand } from './deploy/logs.js';
import { statusCommand } from './deploy/status.js';
import { teardownCommand } from './deploy/teardown.js';
import { tunnelCommand } from './deploy/tunnel.js';
import { dynamodbCommand } from './dynamodb.js';
import { dbGroup } from './db/index.js';
import { lagCommand } from './lag.js';
import { openCommand } from './open.js';
import { processCommand } from './process.js';
import { produceCommand } from './produce.js';
import { queryGroup } from './query/index.js';
import { serveCommand } from './serve.js';
import { tablesGroup } from './tables/index.js';
import { upCommand } from './up.js';

/** Every command citystream has, in the order --help lists them: the one place commands are registered. */
export const commands: readonly CommandEntry[] = [
  upCommand,
  configCommand,
  brokerCommand,
  dynamodbCommand,
  tablesGroup,
  dbGroup,
  queryGroup,
  serveCommand,
  openCommand,
  produceCommand,
  processCommand,
  lagCommand,
  deployCommand,
  statusCommand,
  logsCommand,
  tunnelCommand,
  teardownCommand,
];
