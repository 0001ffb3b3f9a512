// Before a replay sends anything: the validating pass over its file (scan-replay.ts), the
// scenario with the replay's phases, and the lines that say what the file holds and how it will be
// sent. Shared by `replay`, `run` and `validate` of a scenario with a `replay:` field.

import { availableParallelism } from 'node:os';
import { IngestbenchError } from '../errors.js';
import { replayScenario } from '../load/plan-replay.js';
import { scanReplay, type ScannedReplay } from '../load/scan-replay.js';
import { formatCount, formatDuration, formatRate, formatShare } from '../core/format.js';
import type { Scenario } from '../scenario/scenario.js';
import type { CliIo } from './cli-io.js';

/**
 * The validating pass of a replay scenario's file, and what the run then needs: the scenario with
 * the replay's phases, and the lines that say what will be sent.
 */
export async function prepareReplay(
  scenario: Scenario,
  workers: number | undefined,
  io: Pick<CliIo, 'signal'>,
): Promise<{ scenario: Scenario; replay: ScannedReplay; describeLines: readonly string[] }> {
  const spec = scenario.replay;
  if (!spec) throw new IngestbenchError('INTERNAL', 'prepareReplay needs a scenario with replay');
  const replay = await scanReplay(spec, Math.max(1, workers ?? availableParallelism()), io.signal);
  const resolved = replayScenario(scenario, replay);
  return { scenario: resolved, replay, describeLines: describeReplay(replay) };
}

/** What the file holds and how it will be sent. */
export function describeReplay(replay: ScannedReplay): string[] {
  const { scan, timing, total } = replay;
  const pace = timing.spec.pace;
  const passes = timing.wholePasses;
  const partial = total - passes * scan.events;
  const lines = [
    `  replay    ${timing.spec.file}: ${formatCount(scan.events)} events a pass (${formatCount(scan.lines)} lines, ${formatShare(scan.anonymous / scan.events)} anonymous), recorded over ${formatDuration(scan.lastMs - scan.firstMs)}`,
    `  timing    ${pace.kind === 'speed' ? `the recording's, ×${pace.speed}: a pass lasts ${formatDuration(timing.periodMs)}` : `a constant ${formatRate(pace.rate)} in the file's order`}; ${passes} pass${passes === 1 ? '' : 'es'}${partial > 0 ? ` and ${formatCount(partial)} events of one more` : ''} = ${formatCount(total)} events over ${formatDuration(timing.durationMs)} (${formatRate((total * 1000) / timing.durationMs)} on average)`,
  ];
  if (scan.outOfOrder > 0 && pace.kind === 'speed') {
    lines.push(
      `  order     ${formatCount(scan.outOfOrder)} events are recorded earlier than one above them in the file: each is sent right after that one`,
    );
  }
  return lines;
}
