import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Kafka, KafkaConfig } from 'kafkajs';
import type { Readable } from 'node:stream';
import { loadConfigFile } from '../config/config-file.js';
import { resolveConfig, type ConfigSource } from '../config/resolve-config.js';
import type { Config } from '../config/settings.js';
import { Output, type OutputStreams } from '../ui/output.js';

/** What the process gives the CLI: streams, environment, working directory, and a stop signal. */
export interface CliIO extends OutputStreams {
  /** Where confirmations are read from; without one (or without a terminal) destructive commands need --yes. */
  stdin?: Readable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (by bin/citystream.js) or by a test; long-running commands stop on it. */
  signal: AbortSignal;
}

/**
 * Everything a command handler needs; handlers never read process.env or build SDK clients themselves.
 * Clients are made on first use (so the SDK loads only when a command needs it) and released when the
 * command ends.
 */
export interface Context {
  config: Config;
  /** Where each setting's value came from. */
  sources: Record<string, ConfigSource>;
  /** The config file that was read, if any. */
  configFile?: string;
  out: Output;
  io: CliIO;
  debug: boolean;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** A DynamoDB client for the configured endpoint; one per command. */
  dynamo(): Promise<DynamoDBClient>;
  /** A kafkajs client for the configured brokers (kafkajs's log on stderr with --debug). */
  kafka(clientId: string, options?: { retry?: KafkaConfig['retry'] }): Promise<Kafka>;
}

export interface RunningContext extends Context {
  /** Releases what the command's clients hold (sockets). */
  close(): void;
}

export interface GlobalFlags {
  json?: boolean;
  debug?: boolean;
  config?: string;
}

export async function createContext(
  io: CliIO,
  globals: GlobalFlags,
  settingFlags: Record<string, unknown>,
): Promise<RunningContext> {
  const file = await loadConfigFile(io.cwd, globals.config);
  const resolved = resolveConfig({ flags: settingFlags, env: io.env, file });
  const config = resolved.values;
  const debug = Boolean(globals.debug);
  let dynamo: DynamoDBClient | undefined;
  return {
    config,
    sources: resolved.sources,
    configFile: resolved.file,
    out: new Output(io, { json: Boolean(globals.json), env: io.env }),
    io,
    debug,
    signal: io.signal,
    async dynamo() {
      if (!dynamo) {
        const { createDynamoClient } = await import('../clients/dynamodb.js');
        dynamo = createDynamoClient(config);
      }
      return dynamo;
    },
    async kafka(clientId, options = {}) {
      const { kafkaFromConfig } = await import('../clients/kafka.js');
      return kafkaFromConfig(config, { clientId, debug, logTo: io.stderr, retry: options.retry });
    },
    close() {
      dynamo?.destroy();
      dynamo = undefined;
    },
  };
}
