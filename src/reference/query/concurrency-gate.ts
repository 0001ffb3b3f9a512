// At most N queries of one project execute at once, as PostHog's ClickHouse client limits a
// team's concurrent API queries; more wait in arrival order, each for at most `queueTimeoutMs`,
// and a query still waiting then is refused (PostHog answers 429 without Retry-After: it cannot
// say when a slot frees). Timers come from the caller, so tests drive the wait without sleeping.

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

/** Releases the slot; calling it again does nothing. */
export type Release = () => void;

export interface ConcurrencyGate {
  /** A slot for `projectId`, or null when none freed within the queue timeout. */
  acquire(projectId: number): Promise<Release | null>;
  /** Queries executing and waiting, for tests and metrics. */
  state(projectId: number): { readonly running: number; readonly waiting: number };
}

interface Waiter {
  grant(release: Release): void;
}

export function createConcurrencyGate(
  limits: { readonly concurrent: number; readonly queueTimeoutMs: number },
  timers: GateTimers = systemTimers,
): ConcurrencyGate {
  const projects = new Map<number, { running: number; queue: Waiter[] }>();
  const project = (id: number): { running: number; queue: Waiter[] } => {
    let p = projects.get(id);
    if (p === undefined) projects.set(id, (p = { running: 0, queue: [] }));
    return p;
  };

  const releaseFor = (id: number): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const p = project(id);
      const next = p.queue.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      if (next !== undefined) next.grant(releaseFor(id));
      else p.running -= 1;
    };
  };

  return {
    acquire(id) {
      const p = project(id);
      if (p.running < limits.concurrent) {
        p.running += 1;
        return Promise.resolve(releaseFor(id));
      }
      return new Promise((resolve) => {
        let cancel: () => void = () => undefined;
        const waiter: Waiter = {
          grant(release) {
            cancel();
            resolve(release);
          },
        };
        p.queue.push(waiter);
        if (Number.isFinite(limits.queueTimeoutMs)) {
          cancel = timers.setTimer(limits.queueTimeoutMs, () => {
            const at = p.queue.indexOf(waiter);
            if (at >= 0) p.queue.splice(at, 1);
            resolve(null);
          });
        }
      });
    },
    state(id) {
      const p = project(id);
      return { running: p.running, waiting: p.queue.length };
    },
  };
}
