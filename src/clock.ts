import { setTimeout as sleepFor } from 'node:timers/promises';

/** Time is injected (house style §5) so window and retry logic are testable without sleeping. */
export interface Clock {
  now(): number;
}

/** Timers through the same injection: the pipeline's linger, waits and retries run on these. */
export interface Timers {
  /** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock & Timers = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
