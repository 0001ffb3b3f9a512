// Replay's cost beside generation's (`npm run bench -- replay`): the same events, once drawn by
// quickstart's generator and once read back from a file of them by a replay source (read, parse,
// re-stamp, serialise), on one thread; and the validating pass alone. Printed as events/s and as
// the ratio replay ÷ generated, measured in alternating rounds of one run (the machine is shared).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventGenerator } from '../src/generate/event-generator.js';
import { GeneratedSource, type EventSource } from '../src/load/event-source.js';
import { ReplaySource } from '../src/load/replay-source.js';
import { scanReplay } from '../src/load/scan-replay.js';
import { Schedule } from '../src/load/schedule.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { fmt, median, range } from './bench-figures.js';

const EVENTS = 100_000;
const ROUNDS = 3;

/** Events/s of draining a source as the send loop does (batches of 100). */
function drainRate(source: EventSource): number {
  const started = process.hrtime.bigint();
  let bytes = 0;
  let cursor = 0;
  while (cursor < source.count) {
    const end = source.batchEnd(cursor, 100);
    for (let n = cursor; n < end; n++) bytes += source.next(n, source.intendedAt(0, n)).length;
    cursor = end;
  }
  source.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (bytes === 0) throw new Error('nothing rendered');
  return cursor / seconds;
}

export async function runReplayBench(): Promise<{ ratio: number }> {
  const scenario = await loadScenario(new URL('../../scenarios/quickstart.yaml', import.meta.url).pathname);
  const rate = 10_000;
  const phases = [
    {
      name: 'b',
      kind: 'steady' as const,
      durationMs: (EVENTS / rate) * 1000,
      fromRate: rate,
      toRate: rate,
      measured: true,
    },
  ];
  const generated = (): GeneratedSource =>
    new GeneratedSource(
      new Schedule(phases, 0, 1),
      new EventGenerator(
        { ...scenario, phases },
        { runId: 'bench', runTag: 1, worker: 0, workers: 1, seed: 1 },
      ),
    );
  // The recording: the generator's own events, so both sides render the same events.
  const dir = mkdtempSync(join(tmpdir(), 'ingestbench-replay-bench-'));
  try {
    const file = join(dir, 'recorded.jsonl');
    const source = generated();
    const lines: string[] = [];
    for (let n = 0; n < source.count; n++) lines.push(source.next(n, Date.UTC(2024, 0, 1) + n / 10));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const spec = { file, pace: { kind: 'rate' as const, rate } };
    const gen: number[] = [];
    const rep: number[] = [];
    const scan: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      gen.push(drainRate(generated()));
      const started = process.hrtime.bigint();
      const scanned = await scanReplay(spec, 1);
      scan.push(scanned.total / (Number(process.hrtime.bigint() - started) / 1e9));
      rep.push(
        drainRate(
          new ReplaySource({
            timing: scanned.timing,
            worker: 0,
            workers: 1,
            count: scanned.total,
            runId: 'bench',
            runTag: 1,
          }),
        ),
      );
    }
    const ratios = rep.map((r, i) => r / gen[i]!);
    process.stdout.write(
      `replay: ${fmt(EVENTS)} quickstart events per round, ${ROUNDS} rounds, one thread\n` +
        `  generated (schedule + generator)          ${fmt(median(gen))} events/s\n` +
        `  replayed (read + parse + re-stamp + JSON) ${fmt(median(rep))} events/s\n` +
        `  validating pass (read + parse + count)    ${fmt(median(scan))} events/s\n` +
        `  replay ÷ generated                        ${range(ratios)}\n`,
    );
    return { ratio: median(ratios) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runReplayBench();
}
