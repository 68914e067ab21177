import type { Config } from '../config/settings.js';
import type { RunningArchive } from '../processor/archive/start-archive.js';
import type { StackService } from './stack.js';

/** An archive whose target has passed its check (`openArchiveFlag`), started once the stack's Kafka is known. */
export interface ArchiveStarter {
  start(options: { fromBeginning: boolean; config: Config }): Promise<RunningArchive>;
}

/**
 * `up --archive`: the raw archive's own consumer group (`<group>-archive`) beside the stack's processor,
 * for either workload, reading the brokers the stack started or was given. Like the stack's processor it
 * starts from the beginning of what the broker retains; its committed offsets make `up` again resume.
 */
export function archiveService(archive: ArchiveStarter, onFailure?: (err: unknown) => void): StackService {
  return {
    name: 'archive',
    async start(state) {
      const running = await archive.start({ fromBeginning: true, config: state.config });
      running.done.catch((err: unknown) => onFailure?.(err));
      return {
        name: 'archive',
        address: running.target.url,
        summary: `consumer group ${running.group}: ${state.config.topic} → gzip NDJSON objects by hour`,
        stop: () => running.stop(),
      };
    },
  };
}
