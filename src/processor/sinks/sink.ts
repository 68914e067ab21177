import type { CityEvent } from '../../events/event.js';
import type { RollupWrite, WindowWrite } from '../batch-planner.js';
import type { Contribution, RollupKey, WindowKey } from '../../store/contribution.js';
import type { Claim, ClaimOutcome } from '../../store/claim-writer.js';

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
  /**
   * First-delivery claims, one per event_id (distinct ids): durable before the event counts anywhere.
   * A replay of the claiming delivery wins again; any other copy is `taken` and told the winner.
   */
  claimEvents(claims: Claim[], nowSeconds: number): Promise<ClaimOutcome[]>;
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

/**
 * `--sink none`: nothing stored, nothing restored; state lives only in memory. Every claim wins, so only
 * the processor's own claim cache finds duplicates.
 */
export function noneSink(): ProcessorSink {
  return {
    name: 'none',
    readWindows: async (_p, keys) => keys.map(() => null),
    readRollups: async (_p, keys) => keys.map(() => null),
    openWindows: async () => [],
    claimEvents: async (claims) => claims.map(() => ({ status: 'won' as const })),
    putEvents: async () => {},
    writeContributions: async () => {},
    close: async () => {},
  };
}
