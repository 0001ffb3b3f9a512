// `npm run bench -- sessions`: what sessions and zipf users cost the generator. quickstart's
// events generated (JSON text, no encoding, no send) in four variants: as shipped, with zipf
// users, with sessions, with both; rounds interleaved so the machine's load falls on all alike,
// and each variant's time per event given as a ratio to the shipped one measured in the same round.

import { resolve } from 'node:path';
import { EventGenerator } from '../src/generate/event-generator.js';
import { runTag } from '../src/generate/event-uuid.js';
import { Schedule } from '../src/load/schedule.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { fmt, median, range } from './bench-figures.js';

const EVENTS = 300_000;
const ROUNDS = 5;
const SESSION = { idleTimeoutMs: 30 * 60_000, meanEvents: 8, meanThinkMs: 20_000, pageleave: true };

/** Events per second of one generator over EVENTS events of the scenario's schedule. */
function generateRate(scenario: Scenario): number {
  const schedule = new Schedule(scenario.phases, 0, 1);
  const start = Date.UTC(2026, 11, 7);
  const gen = new EventGenerator(scenario, {
    runId: 'bench-sessions',
    runTag: runTag('bench-sessions'),
    worker: 0,
    workers: 1,
    seed: 1,
    startAtMs: start,
    offsetMs: (n) => schedule.offsetMs(n),
  });
  let bytes = 0;
  const t0 = performance.now();
  for (let seq = 0; seq < EVENTS; seq++) bytes += gen.next(seq, start + schedule.offsetMs(seq)).length;
  const ms = performance.now() - t0;
  if (bytes === 0) throw new Error('no events generated');
  return (EVENTS * 1000) / ms;
}

export async function runSessionsBench(): Promise<void> {
  const shipped = await loadScenario(resolve('scenarios/quickstart.yaml'));
  const long = { ...shipped, phases: shipped.phases.map((p) => ({ ...p, durationMs: p.durationMs * 20 })) };
  const zipf = { kind: 'zipf' as const, exponent: 1.1 };
  const variants: Record<string, Scenario> = {
    quickstart: long,
    'zipf 1.1': { ...long, population: { ...long.population, activity: zipf } },
    sessions: { ...long, session: SESSION },
    'sessions + zipf': { ...long, session: SESSION, population: { ...long.population, activity: zipf } },
  };
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const ratios: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  generateRate(long); // warm the JIT
  for (let round = 0; round < ROUNDS; round++) {
    let base = 0;
    for (const [name, scenario] of Object.entries(variants)) {
      const rate = generateRate(scenario);
      if (name === 'quickstart') base = rate;
      rates[name]!.push(rate);
      ratios[name]!.push(base / rate);
    }
  }
  process.stdout.write(
    `generator only (next(): JSON text), ${fmt(EVENTS)} events × ${ROUNDS} rounds, population ${fmt(shipped.population.size)}\n`,
  );
  process.stdout.write(
    `${'variant'.padEnd(18)} ${'events/s (median)'.padStart(18)}   time per event vs quickstart\n`,
  );
  for (const name of Object.keys(variants)) {
    process.stdout.write(
      `${name.padEnd(18)} ${fmt(median(rates[name]!)).padStart(18)}   ${range(ratios[name]!)}\n`,
    );
  }
}
