// At most N queries of one project execute at once, as PostHog's ClickHouse client limits a
// team's concurrent API queries; more wait in arrival order, each for at most `queueTimeoutMs`,
// and a query still waiting then is refused (PostHog answers 429 without Retry-After: it cannot
// say when a slot frees). Timers come from the caller, so tests drive the wait without sleeping.

import { Semaphore, type Release } from '../../core/semaphore.js';

export type { Release } from '../../core/semaphore.js';

export interface GateTimers {
  /** Calls `fn` after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemTimers: GateTimers = {
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface ConcurrencyGate {
  /** A slot for `projectId`, or null when none freed within the queue timeout. */
  acquire(projectId: number): Promise<Release | null>;
  /** Queries executing and waiting, for tests and metrics. */
  state(projectId: number): { readonly running: number; readonly waiting: number };
}

export function createConcurrencyGate(
  limits: { readonly concurrent: number; readonly queueTimeoutMs: number },
  timers: GateTimers = systemTimers,
): ConcurrencyGate {
  const projects = new Map<number, Semaphore>();
  const project = (id: number): Semaphore => {
    let slots = projects.get(id);
    if (slots === undefined) projects.set(id, (slots = new Semaphore(limits.concurrent)));
    return slots;
  };

  return {
    acquire(id) {
      const slots = project(id);
      const now = slots.tryAcquire();
      if (now !== null) return Promise.resolve(now);
      if (!Number.isFinite(limits.queueTimeoutMs)) return slots.acquire();
      const timeout = new AbortController();
      const cancel = timers.setTimer(limits.queueTimeoutMs, () => timeout.abort());
      const granted = slots.acquire(timeout.signal);
      // The caller's own handler runs after this one, so the timer is gone when it sees the slot.
      void granted.then(cancel);
      return granted;
    },
    state(id) {
      const slots = project(id);
      return { running: slots.running, waiting: slots.waiting };
    },
  };
}
