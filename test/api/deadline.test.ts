import { describe, expect, it } from 'vitest';
import { beforeDeadline } from '../../src/api/deadline.js';

describe('beforeDeadline', () => {
  it('gives the work its value when it settles first, and lets go of the deadline', async () => {
    const deadline = new AbortController();
    expect(await beforeDeadline(Promise.resolve(7), deadline.signal)).toBe(7);
    await expect(beforeDeadline(Promise.reject(new Error('no')), deadline.signal)).rejects.toThrow('no');
    // Aborting after the work settled changes nothing (and would throw here if a listener were left).
    deadline.abort(new Error('late'));
  });

  it("rejects with the deadline's reason when it passes first, whatever the work does later", async () => {
    const deadline = new AbortController();
    let finish: (v: number) => void = () => {};
    const work = new Promise<number>((resolve) => (finish = resolve));
    const raced = beforeDeadline(work, deadline.signal);
    const reason = Object.assign(new Error('too slow'), { name: 'TimeoutError' });
    deadline.abort(reason);
    await expect(raced).rejects.toBe(reason);
    finish(1); // settles later, to nobody
    await expect(beforeDeadline(work, deadline.signal)).rejects.toBe(reason); // already passed
  });
});
