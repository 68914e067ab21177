import type { CommandEntry } from './define-command.js';
import { brokerCommand } from './broker.js';
import { configCommand } from './config.js';
import { dbGroup } from './db/index.js';
import { lagCommand } from './lag.js';
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
  tablesGroup,
  dbGroup,
  queryGroup,
  serveCommand,
  produceCommand,
  processCommand,
  lagCommand,
];
