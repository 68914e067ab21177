/**
 * `work`, or the deadline's reason (a `TimeoutError`, which the API answers with 503) if the deadline
 * passes first. The read is not handed the signal request by request: it checks it between pages, and
 * its client ends a request that hangs (`requestTimeoutMs`), so nothing waits past the deadline for it.
 */
export function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) {
    work.catch(() => {}); // settled later, wanted by nobody
    return Promise.reject(deadline.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const expire = () => reject(deadline.reason as Error);
    deadline.addEventListener('abort', expire, { once: true });
    work.then(
      (value) => {
        deadline.removeEventListener('abort', expire);
        resolve(value);
      },
      (err: unknown) => {
        deadline.removeEventListener('abort', expire);
        reject(err as Error);
      },
    );
  });
}
