// Deadline-bound waits on the fake's state, re-checked whenever a request arrives, ends or aborts.

export interface Waiters {
  notify(): void;
  waitFor(predicate: () => boolean, timeoutMs: number, what: () => string): Promise<void>;
  /** Rejects every pending wait, so a test stuck on a closed fake fails at once. */
  cancelAll(reason: string): void;
}

export function createWaiters(): Waiters {
  const pending = new Set<{ check: () => void; cancel: (reason: string) => void }>();
  return {
    notify: () => { for (const waiter of [...pending]) waiter.check(); },
    cancelAll: (reason) => { for (const waiter of [...pending]) waiter.cancel(reason); },
    waitFor(predicate, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          pending.delete(waiter);
          if (error === undefined) resolve();
          else reject(error);
        };
        const waiter = {
          check: () => { if (predicate()) finish(); },
          cancel: (reason: string) => { finish(new Error(`fake-anthropic: ${reason} while waiting for ${what()}`)); },
        };
        const timer = setTimeout(() => { finish(new Error(`fake-anthropic: timed out after ${timeoutMs} ms waiting for ${what()}`)); }, timeoutMs);
        pending.add(waiter);
        waiter.check();
      });
    },
  };
}
