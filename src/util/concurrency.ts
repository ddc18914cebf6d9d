/** Runs async work over a list with a bound on how many run at once. */

/** Outcome of one item: its value, or the error it failed with. Keeps input order. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Calls `work` for every item with at most `limit` calls in flight, and returns the outcomes in input order.
 * One failure does not stop the others. `onSettled` is called as each item finishes (for progress).
 */
export async function mapSettledWithLimit<I, O>(
  items: readonly I[],
  limit: number,
  work: (item: I, index: number) => Promise<O>,
  onSettled?: (done: number, total: number) => void,
): Promise<Settled<O>[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency limit must be an integer ≥ 1, got ${limit}`);
  const results: Settled<O>[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await work(items[index] as I, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
      done += 1;
      onSettled?.(done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Runs async work with at most `limit` calls in progress; the rest wait their turn, first come first served. */
export function createLimiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await work();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

/** Resolves after `ms`, or rejects when `signal` aborts first. The default waiting function of retries. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
