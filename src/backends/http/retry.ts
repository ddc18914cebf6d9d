/**
 * Retries as a policy around one attempt: only errors marked retryable when they were made (ApiCallError with
 * a retryable status, NetworkError before any response), waiting as the server asked (`Retry-After`) or with
 * exponential backoff and jitter. Timeouts and aborts are never retried.
 */
import { ApiCallError, NetworkError } from "../../errors.js";
import { sleep as defaultSleep } from "../../util/concurrency.js";

/** How many times to try again and how long to wait. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown instead. */
  readonly maxRetryAfterMs: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1); tests fix it. */
  readonly random?: () => number;
}

/** Defaults: 3 retries, 1 s doubling to at most 20 s, and up to 60 s when the server says so. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** True for errors that were marked safe to try again when they were made. */
export function isRetryable(error: unknown): boolean {
  return (error instanceof ApiCallError && error.retryable) || error instanceof NetworkError;
}

/** The wait before retry number `retry` (0-based) after `error`. */
export function retryDelayMs(error: unknown, retry: number, policy: RetryPolicy): number {
  if (error instanceof ApiCallError && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds * 1000;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);
  // "Equal jitter": half fixed, half random, so concurrent clients spread out but still back off.
  return ceiling / 2 + (ceiling / 2) * (policy.random ?? Math.random)();
}

/** Runs `attempt` until it succeeds, fails with a non-retryable error, or retries run out. */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  const wait = policy.sleep ?? defaultSleep;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry + 1);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (retry >= policy.maxRetries) throw withAttempts(error, retry + 1);
      const delay = retryDelayMs(error, retry, policy);
      if (delay > policy.maxRetryAfterMs) throw withAttempts(error, retry + 1);
      await wait(delay, signal);
    }
  }
}

/** Says in the message how many attempts were made before giving up. */
function withAttempts(error: unknown, attempts: number): unknown {
  if (attempts > 1 && error instanceof Error)
    error.message = `${error.message} (gave up after ${attempts} attempts)`;
  return error;
}
