/**
 * The watermark of one Kafka partition, as a value (pure: every function returns a new state).
 *
 * watermark = event clock − delay, where the event clock is the largest event time seen in the partition.
 * An idle partition (no new messages for longer than the delay, wall clock, while caught up) would keep its
 * last windows open for ever, so while it is idle its event clock advances with the wall clock from the
 * moment it went quiet: after `delay + window size` of silence its last window is final.
 */
export interface WatermarkState {
  /** Largest event time seen, or advanced by idleness (epoch ms); -Infinity before any event. */
  clockMs: number;
  /** Wall-clock time of the last message (or of the assignment), for idleness. */
  lastActivityWallMs: number;
  /** The event clock at `lastActivityWallMs`; the idle advance is measured from it. */
  clockAtActivityMs: number;
}

export function initialWatermark(nowWallMs: number, clockMs = -Infinity): WatermarkState {
  return { clockMs, lastActivityWallMs: nowWallMs, clockAtActivityMs: clockMs };
}

export function watermarkOf(state: WatermarkState, delayMs: number): number {
  return state.clockMs - delayMs;
}

/**
 * An event was read: the clock never goes back, and the partition is active again. A state this would
 * not change is returned as it is: a batch observes each of its events at the same wall-clock time,
 * and most do not move the clock, so that spares a new state per event.
 */
export function observeEvent(state: WatermarkState, eventMs: number, nowWallMs: number): WatermarkState {
  const clockMs = Math.max(state.clockMs, eventMs);
  if (isActiveAt(state, clockMs, nowWallMs)) return state;
  return { clockMs, lastActivityWallMs: nowWallMs, clockAtActivityMs: clockMs };
}

/** Any message (even a malformed one) shows the partition is not idle. */
export function observeActivity(state: WatermarkState, nowWallMs: number): WatermarkState {
  if (isActiveAt(state, state.clockMs, nowWallMs)) return state;
  return { ...state, lastActivityWallMs: nowWallMs, clockAtActivityMs: state.clockMs };
}

/** True when the state already has this clock and was last active at this wall-clock time. */
function isActiveAt(state: WatermarkState, clockMs: number, nowWallMs: number): boolean {
  return (
    state.clockMs === clockMs && state.lastActivityWallMs === nowWallMs && state.clockAtActivityMs === clockMs
  );
}

/**
 * The wall-clock tick: a partition idle for longer than `idleAfterMs` has its clock advanced by the idle
 * time. A partition that has never seen an event has nothing to close and stays as it is.
 */
export function tickIdle(state: WatermarkState, nowWallMs: number, idleAfterMs: number): WatermarkState {
  const idleMs = nowWallMs - state.lastActivityWallMs;
  if (idleMs <= idleAfterMs || state.clockAtActivityMs === -Infinity) return state;
  const advanced = state.clockAtActivityMs + idleMs;
  if (advanced <= state.clockMs) return state;
  return { ...state, clockMs: advanced };
}

/** The watermark clock as it is stored with a committed offset (commit metadata), so a restart resumes it. */
export function encodeClock(state: WatermarkState): string | null {
  return Number.isFinite(state.clockMs) ? JSON.stringify({ wm: 1, clock: state.clockMs }) : null;
}

/** Reads commit metadata written by {@link encodeClock}; anything else (another tool's metadata) is ignored. */
export function decodeClock(metadata: string | null | undefined): number {
  if (!metadata) return -Infinity;
  try {
    const parsed = JSON.parse(metadata) as { wm?: unknown; clock?: unknown };
    return parsed.wm === 1 && typeof parsed.clock === 'number' && Number.isFinite(parsed.clock)
      ? parsed.clock
      : -Infinity;
  } catch {
    return -Infinity;
  }
}
