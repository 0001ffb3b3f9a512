// A longer run for the lag-over-time views: 10 s warmup, 20 s ramp, 60 s steady at 20 events/s,
// polled every second. Anonymous lag holds near 0.8 s; identified lag grows 20 ms a second
// (1.2 s a minute), as a target whose person processing falls behind would show.

import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import type { TimelinePoint } from '../../src/load/load-tally.js';
import type { ReportInputs } from '../../src/report/build-report.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { fixtureInputs, T0 } from './report-fixture.js';

const RATE = 20;
const SECONDS = 90;
const POLL_MS = 1000;

export function lagInputs(): ReportInputs {
  const base = fixtureInputs();
  const scenario: Scenario = {
    ...base.scenario,
    name: 'lag over time',
    phases: [
      { name: 'warmup', kind: 'warmup', durationMs: 10_000, fromRate: RATE, toRate: RATE, measured: false },
      { name: 'ramp', kind: 'ramp', durationMs: 20_000, fromRate: RATE, toRate: RATE, measured: true },
      { name: 'steady', kind: 'steady', durationMs: 60_000, fromRate: RATE, toRate: RATE, measured: true },
    ],
    observation: { ...base.scenario.observation, pollIntervalMs: POLL_MS },
  };
  const planned = RATE * SECONDS;
  const ledger = Ledger.allocate([planned]);
  const shard = ledger.shard(0);
  const sent: number[] = Array.from({ length: SECONDS + 1 }, () => 0);
  const acked: number[] = [...sent];
  for (let seq = 0; seq < planned; seq++) {
    const intended = T0 + (seq * 1000) / RATE;
    const second = Math.floor((intended - T0) / 1000);
    const identified = seq % 4 === 0;
    shard.setIntended(seq, intended);
    shard.flags[seq] = (identified ? LedgerFlag.identified : 0) | (second >= 10 ? LedgerFlag.measured : 0);
    shard.status[seq] = EventStatus.acknowledged;
    shard.setAck(seq, intended + 15 + (seq % 7));
    sent[second]! += 1;
    acked[Math.floor((shard.ackAt(seq) - T0) / 1000)]! += 1;
    // A deterministic wobble so percentiles differ from medians.
    const wobble = ((seq * 7919) % 400) - 200;
    const lag = identified ? 1200 + 20 * second + wobble : 800 + wobble / 2;
    // First seen by the first poll after the row landed: polls run on whole seconds.
    shard.setVisible(seq, Math.ceil((intended + lag - T0) / POLL_MS) * POLL_MS + T0 + 40);
    shard.seen[seq] = 1;
  }
  const timeline: TimelinePoint[] = sent.map((n, second) => ({
    second,
    sent: n,
    acknowledged: acked[second]!,
    errors: second === 40 ? 3 : 0,
  }));
  const counts = {
    anonymous: {
      planned: planned * 0.75,
      sent: planned * 0.75,
      acknowledged: planned * 0.75,
      rejected: 0,
      dropped: 0,
      failed: 0,
    },
    identified: {
      planned: planned / 4,
      sent: planned / 4,
      acknowledged: planned / 4,
      rejected: 0,
      dropped: 0,
      failed: 0,
    },
  };
  return {
    ...base,
    runId: 'run-lag',
    scenario,
    plan: { ...base.plan, runId: 'run-lag', durationMs: SECONDS * 1000, targetRate: RATE, planned },
    ledger,
    load: { ...base.load, endedAt: T0 + SECONDS * 1000 + 100, counts, timeline },
    observation: {
      ...base.observation,
      pollIntervalMs: POLL_MS,
      resolutionMs: POLL_MS + 40,
      drained: true,
      pending: 0,
      visible: planned,
      perClass: {
        anonymous: { rows: planned * 0.75, uuids: planned * 0.75 },
        identified: { rows: planned / 4, uuids: planned / 4 },
      },
    },
  };
}
