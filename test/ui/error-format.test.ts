import { describe, expect, it } from 'vitest';
import { ServiceError, UserError } from '../../src/errors.js';
import { formatError } from '../../src/ui/error-format.js';

describe('UI > error-format', () => {
  it('prints a user error as one line with its hint, without a stack', () => {
    const text = formatError(
      new UserError('nothing is listening on http://127.0.0.1:8000', { hint: 'run `citystream up`' }),
      false,
    );
    expect(text).toBe('Error: nothing is listening on http://127.0.0.1:8000 — run `citystream up`');
  });

  it('prints a service error as one line, and its cause only under --debug', () => {
    const err = new ServiceError('DynamoDB is unavailable', { cause: new Error('socket hang up') });
    expect(formatError(err, false)).toBe('Error: DynamoDB is unavailable');
    expect(formatError(err, true)).toContain('Caused by: Error: socket hang up');
  });

  it('shows a bug with a report request, and its stack only under --debug', () => {
    const bug = new TypeError('cannot read x of undefined');
    const plain = formatError(bug, false);
    expect(plain).toContain('Internal error: cannot read x of undefined');
    expect(plain).toContain('please report');
    expect(plain).not.toMatch(/\n\s+at /);
    expect(formatError(bug, true)).toMatch(/\n\s+at /);
  });
});
