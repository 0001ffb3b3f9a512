// The load generator's ceiling on this machine: how many events/s of this class's load it can put
// on the wire when nothing holds it back. A burst at full speed into a sink that answers every
// request at once (no parsing, no storing) on 127.0.0.1; the events acknowledged per second over
// the burst's whole seconds are the ceiling. The search never offers more than this, so a capacity above it is reported as
// "at least" what was sent, never as a rate the generator could not have produced.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IngestbenchError } from '../errors.js';
import { Ledger } from '../load/ledger.js';
import type { TimelinePoint } from '../load/load-tally.js';
import { planLoad } from '../load/plan-load.js';
import { runLoad } from '../load/run-load.js';
import type { Scenario } from '../scenario/scenario.js';

/** Planned events/s of the burst: only a bound (full speed stops at the burst's end). */
const BURST_PLAN_RATE = 400_000;

export async function measureGeneratorCeiling(
  scenario: Scenario,
  options: { readonly workers: number; readonly burstMs?: number; readonly signal?: AbortSignal },
): Promise<number> {
  const burstMs = options.burstMs ?? 3000;
  const server = await listen();
  try {
    const port = (server.address() as AddressInfo).port;
    const burst: Scenario = {
      ...scenario,
      phases: [
        {
          name: 'ceiling',
          kind: 'steady',
          durationMs: burstMs,
          fromRate: BURST_PLAN_RATE,
          toRate: BURST_PLAN_RATE,
          measured: true,
        },
      ],
      maxRetries: 0,
    };
    const plan = planLoad(burst, {
      workers: options.workers,
      runId: `ceiling-${Date.now().toString(36)}`,
      // Worker start-up stays out of the burst (and what a slow start costs, ceilingFromTimeline).
      startAtMs: Date.now() + 2000,
      fullSpeed: true,
    });
    const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
    const load = await runLoad({
      scenario: burst,
      plan,
      ledger,
      target: { captureUrl: `http://127.0.0.1:${port}`, token: 'phc_ceiling' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return ceilingFromTimeline(load.timeline);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Events/s acknowledged over the burst's whole seconds: the first and last second that saw any
 * are partial (workers starting late on a loaded machine, the deadline), so they are left out
 * when there are others.
 */
export function ceilingFromTimeline(timeline: readonly TimelinePoint[]): number {
  let seconds = timeline.filter((p) => p.acknowledged > 0).sort((a, b) => a.second - b.second);
  if (seconds.length >= 3) seconds = seconds.slice(1, -1);
  if (seconds.length === 0) {
    throw new IngestbenchError(
      'INTERNAL',
      'the load generator acknowledged nothing in its ceiling burst: is the machine overloaded? Give --max-rate to skip the burst',
    );
  }
  return seconds.reduce((sum, p) => sum + p.acknowledged, 0) / seconds.length;
}

function listen(): Promise<Server> {
  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"Ok"}');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
