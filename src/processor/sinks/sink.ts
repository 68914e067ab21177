import type { CityEvent } from '../../events/event.js';
import type { RollupWrite, WindowWrite } from '../batch-planner.js';
import type { Contribution, RollupKey, WindowKey } from '../../store/contribution.js';

/**
 * Where the processor's results go. The DynamoDB sink is the real one; `none` keeps nothing, to measure
 * the processor's own cost. Every method either succeeds completely or throws; the loop commits offsets
 * only after all calls of a batch returned.
 */
export interface ProcessorSink {
  readonly name: string;
  /** This partition's stored contributions (`p_<partition>`) of the given windows; null when absent. */
  readWindows(partition: number, keys: WindowKey[]): Promise<Array<Contribution | null>>;
  readRollups(partition: number, keys: RollupKey[]): Promise<Array<Contribution | null>>;
  /** This partition's non-final windows starting within [fromMs, toMs] (restored on assignment). */
  openWindows(
    partition: number,
    range: { fromMs: number; toMs: number },
  ): Promise<Array<{ key: WindowKey; entry: Contribution }>>;
  /** Idempotent puts: raw events, and alerts for the events that raise one. */
  putEvents(rawEvents: CityEvent[], alerts: CityEvent[]): Promise<void>;
  /**
   * Offset-conditioned updates. Throws {@link ContributionConflict} when a stored entry is not the
   * `previous` the plan was made from (another member wrote it): the loop then re-reads and re-plans.
   */
  writeContributions(partition: number, windows: WindowWrite[], rollups: RollupWrite[]): Promise<void>;
  close(): Promise<void>;
}

export class ContributionConflict extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContributionConflict';
  }
}

/** `--sink none`: nothing stored, nothing restored; state lives only in memory. */
export function noneSink(): ProcessorSink {
  return {
    name: 'none',
    readWindows: async (_p, keys) => keys.map(() => null),
    readRollups: async (_p, keys) => keys.map(() => null),
    openWindows: async () => [],
    putEvents: async () => {},
    writeContributions: async () => {},
    close: async () => {},
  };
}
