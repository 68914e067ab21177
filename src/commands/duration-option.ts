import { InvalidArgumentError } from 'commander';
import { formatDuration, parseDuration } from '../config/duration.js';

export { formatDuration, parseDuration };

/** A commander argument parser for a duration in [minMs, maxMs], returning milliseconds. */
export function durationInRange(minMs: number, maxMs: number): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < minMs || ms > maxMs)
      throw new InvalidArgumentError(
        `expected a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)} such as 30s, 10m or 1h, got "${value}".`,
      );
    return ms;
  };
}
