// The load generator's ceiling on this machine: how many events/s of this class's load it can put
// on the wire when nothing holds it back. A burst at full speed into a sink that answers every
// request at once (no parsing, no storing) on 127.0.0.1; the acknowledged events over the burst
// are the ceiling. The search never offers more than this, so a capacity above it is reported as
// "at least" what was sent, never as a rate the generator could not have produced.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ledger } from '../load/ledger.js';
import { planLoad } from '../load/plan-load.js';
import { runLoad } from '../load/run-load.js';
import type { Scenario } from '../scenario/scenario.js';

/** Planned events/s of the burst: only a bound (full speed stops at the burst's end). */
const BURST_PLAN_RATE = 400_000;

export async function measureGeneratorCeiling(
  scenario: Scenario,
  options: { readonly workers: number; readonly burstMs?: number; readonly signal?: AbortSignal },
): Promise<number> {
  const burstMs = options.burstMs ?? 2000;
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
      // Worker start-up stays out of the burst.
      startAtMs: Date.now() + 1000,
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
    const acknowledged = load.counts.anonymous.acknowledged + load.counts.identified.acknowledged;
    return acknowledged / (burstMs / 1000);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
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
