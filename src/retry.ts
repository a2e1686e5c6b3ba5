import { setTimeout as sleep } from 'node:timers/promises';
import { isStreamscoreError } from './errors.js';

export interface RetryOptions {
  /** First delay; doubles each attempt up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up after this long in total (the last error is rethrown). Infinity retries for ever. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log the attempt or keep a heartbeat going. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  now?: () => number;
  /** Waits between attempts (an injected clock's timers); the default is a real timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /**
   * Which failures this call retries (attempt counts from 0); the others are rethrown at once.
   * Default: the retriable ones by their flags ({@link isRetriable}). A caller may narrow it (the
   * registry retries only its registration race, leaving outages to an outer retry that logs them)
   * or widen it for a bounded number of attempts (the pipeline tries a window whose model failure
   * looks systemic a few times before that fatal error stops it); each says why where it does.
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
}

/**
 * Whether an error is worth retrying. Decided by the error's own flags, never by string matching
 * at call sites (house style §6). Programming errors are never retried (as in kafkajs' retrier).
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return false;
  return isStreamscoreError(error) && error.retriable;
}

/** Capped exponential backoff with full jitter (delay drawn from [delay/2, delay]). */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const capped = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
  return Math.round(capped / 2 + (random() * capped) / 2);
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(options.shouldRetry ?? isRetriable)(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt, options, options.random);
      if (now() - started + delayMs > options.deadlineMs) throw error;
      options.onRetry?.(error, attempt + 1, delayMs);
      if (options.sleep) await options.sleep(delayMs, options.signal);
      else await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : undefined);
      // An injected sleep resolves when aborted: stop as the real timer's rejection would.
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    }
  }
}
