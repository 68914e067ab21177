import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { durationInRange, formatDuration, parseDuration } from '../../src/commands/duration-option.js';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    [' 10M ', 600_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 'm', '10x', '-5s', '1h 30m', 'ten minutes'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('formats the way it reads', () => {
    expect(formatDuration(1_200_000)).toBe('20m');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(86_400_000)).toBe('1d');
  });

  it('names the range when a flag is out of it', () => {
    const parse = durationInRange(1000, 3_600_000);
    expect(parse('10m')).toBe(600_000);
    expect(() => parse('2h')).toThrow(InvalidArgumentError);
    expect(() => parse('2h')).toThrow('expected a duration from 1s to 1h such as 30s, 10m or 1h, got "2h".');
  });
});
