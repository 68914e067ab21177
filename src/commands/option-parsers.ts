import { InvalidArgumentError } from 'commander';
import type { OptionSpec } from './define-command.js';

/** A commander argument parser for a whole number in [min, max]; the message names the range. */
export function intInRange(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

/** A commander argument parser for a finite number in [min, max]. */
export function numberInRange(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

/** A commander argument parser for one of a fixed set of words. */
export function oneOf(choices: readonly string[]): (value: string) => string {
  return (value) => {
    if (!choices.includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}".`);
    return value;
  };
}

/** Events per second of the synthetic producer, for `produce --rate` and `up --rate` alike; 0 = unpaced. */
export const EVENT_RATE = { min: 0, max: 1_000_000, default: 5 } as const;

/** A whole-number flag whose range and default come from one limits record; the help shows the range. */
export function wholeNumberOption(
  flags: string,
  what: string,
  limits: { min: number; max: number; default: number },
): OptionSpec {
  return {
    flags,
    description: `${what} (${limits.min}-${limits.max})`,
    parse: intInRange(limits.min, limits.max),
    default: limits.default,
  };
}
