/**
 * Waits for conditions on shared state that other code changes: `until(check)` resolves once
 * `check()` holds, re-checked at each `notify()`. Used to pace the diff's readers (back-pressure)
 * without timers.
 */
export class Gate {
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** How many are waiting now. */
  get waiting(): number {
    return this.waiters.length;
  }

  notify(): void {
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.check()) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /** Lets every waiter go (stopping). */
  release(): void {
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
  }
}
