/** Tracks an adapter's operations so `close()` can refuse new ones and wait for those under way. */
export type InFlight = {
  /** Runs `work` unless closed (then rejects, naming `what`), and remembers it until it settles. */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Refuses new work and waits for what is under way; true the first time, false if already closed. */
  drain(): Promise<boolean>;
};

export function createInFlight(what: string): InFlight {
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  return {
    track(work) {
      if (closed) return Promise.reject(new Error(`${what} is closed`));
      const promise = work();
      pending.add(promise);
      const forget = () => pending.delete(promise);
      promise.then(forget, forget);
      return promise;
    },
    async drain() {
      if (closed) return false;
      closed = true;
      await Promise.allSettled([...pending]);
      return true;
    },
  };
}
