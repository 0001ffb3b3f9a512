// A counting semaphore: at most `capacity` holders at once, the rest waiting in arrival order.
// A freed slot passes straight to the first waiter, so a newcomer cannot overtake the queue. A
// waiter whose signal aborts leaves the queue at that moment (not when a slot next frees) and gets
// null, so a stopped caller never waits for someone else's work to finish. Every limit of
// concurrency in the tree is one of these: the reference's per-project query slots, the harness's
// per-key query slots and the load generator's requests in flight.

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  grant(release: Release): void;
}

export class Semaphore {
  #running = 0;
  readonly #queue: Waiter[] = [];

  /** `capacity`: a whole number ≥ 0 (0: every caller waits, as for a team held at zero) or Infinity. */
  constructor(readonly capacity: number) {
    if (!(capacity >= 0)) throw new RangeError(`a semaphore's capacity must be 0 or more, got ${capacity}`);
  }

  /** Slots held. */
  get running(): number {
    return this.#running;
  }

  /** Callers in the queue. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** A slot now, or null when all are held (or others wait for one). */
  tryAcquire(): Release | null {
    if (this.#running >= this.capacity || this.#queue.length > 0) return null;
    this.#running += 1;
    return this.#releaser();
  }

  /**
   * A slot: at once if one is free, else the first to free after the waiters before this one.
   * Null if `signal` aborts first: then at once, and the caller holds nothing.
   */
  acquire(signal?: AbortSignal): Promise<Release | null> {
    if (signal?.aborted === true) return Promise.resolve(null);
    const now = this.tryAcquire();
    if (now !== null) return Promise.resolve(now);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        resolve(null);
      };
      const waiter: Waiter = {
        grant(release) {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next !== undefined) next.grant(this.#releaser());
      else this.#running -= 1;
    };
  }
}
