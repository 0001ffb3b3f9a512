// Capacity bench (`npm run bench -- capacity`): both classes' capacity on the embedded reference
// target, found as `ingestbench capacity` finds it (class-pure steps of a scenario's behaviours,
// ramp then bisect), for quickstart's small events and for web-app's posthog-js-shaped ones (the
// ratios side by side at the end), the target pinned to one core where taskset exists so it does not
// share the load generator's. Prints each class's sustainable rate, what limited it, the ratio
// anonymous ÷ identified, and beside it the ingestion CPU-per-event ratio identified ÷ anonymous.
// Then one key's query budget over a whole search: a short search through the posthog target
// against `serve --query-limits cloud`, printing its queries against the key's minute and hour
// limits (`npm run bench -- capacity budget` runs that part alone).
// Figures are printed, never asserted: this machine is shared and absolute rates drift.

import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CapacityFigures, ClassCapacity } from '../src/verdict/capacity-types.js';
import { lagGrowthSensitivity } from '../src/verdict/judge-step.js';
import { runCapacity } from '../src/capacity/run-capacity.js';
import { queriesLine } from '../src/report/capacity-rows.js';
import { formatCount } from '../src/core/format.js';
import { newRunId } from '../src/run-scenario.js';
import { withTargetLimits } from '../src/scenario/deployment-limits.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';
import { tasksetAvailable } from '../src/targets/pin-process.js';
import { posthogTargetFromEnv } from '../src/targets/posthog-target.js';
import { targetQueries } from './observe-shards.js';
import { KEY, startServe, TOKEN } from './serve-process.js';

const SCENARIOS = ['quickstart', 'web-app'].map((name) =>
  fileURLToPath(new URL(`../../scenarios/${name}.yaml`, import.meta.url)),
);

export interface CapacityBenchOptions {
  readonly out?: NodeJS.WritableStream;
  /** Shorter steps, for a smoke run. */
  readonly quick?: boolean;
  /** Only the search on one key's cloud budget (a few minutes), not the two scenarios' capacity. */
  readonly budgetOnly?: boolean;
}

export async function runCapacityBench(options: CapacityBenchOptions = {}): Promise<CapacityFigures[]> {
  const out = options.out ?? process.stdout;
  const print = (line: string): void => void out.write(`${line}\n`);
  if (options.budgetOnly === true) return [await keyBudgetSearch(options, print)];
  const figures: { name: string; capacity: CapacityFigures }[] = [];
  for (const file of SCENARIOS) {
    const scenario = await loadScenario(file);
    figures.push({ name: scenario.name, capacity: await scenarioCapacity(scenario, options, print) });
  }
  print('ratios in this run:');
  for (const { name, capacity: f } of figures)
    print(
      `  ${name.padEnd(12)} anonymous ÷ identified capacity ${f.ratio?.toFixed(2) ?? '—'}×; ` +
        `ingestion CPU per event identified ÷ anonymous ${f.cpuRatio?.toFixed(2) ?? '—'}×`,
    );
  return [...figures.map((f) => f.capacity), await keyBudgetSearch(options, print)];
}

/**
 * A short search (both classes, at most 3 search steps each from 500 events/s, capped at 4,000/s
 * so no generator ceiling is measured) through the posthog target against `serve --query-limits
 * cloud`, polled at quickstart's own 1 s: every step's preflight, probe and polls draw on one
 * budget for the key, as PostHog counts them. Its figures are the queries, not the capacity.
 */
async function keyBudgetSearch(
  options: CapacityBenchOptions,
  print: (line: string) => void,
): Promise<CapacityFigures> {
  const stepDurationMs = options.quick === true ? 3000 : 6000;
  const server = await startServe();
  const target = posthogTargetFromEnv({
    POSTHOG_HOST: server.url,
    POSTHOG_PROJECT_API_KEY: TOKEN,
    POSTHOG_PERSONAL_API_KEY: KEY,
    POSTHOG_PROJECT_ID: '1',
  });
  try {
    const scenario = withTargetLimits(await loadScenario(SCENARIOS[0]!), target.queryUrl, 'cloud');
    const o = scenario.observation;
    print(
      `one key's budget: a ${scenario.name} search through the posthog target against serve --query-limits cloud ` +
        `(${formatCount(o.queryBudgetPerMinute)}/min, ${formatCount(o.queryBudgetPerHour)}/hour, ${o.maxConcurrentQueries} at once), steps of ${stepDurationMs / 1000} s, polled every ${o.pollIntervalMs} ms`,
    );
    const capacity = await runCapacity({
      scenario,
      target,
      classes: ['anonymous', 'identified'],
      stepDurationMs,
      runId: newRunId(),
      startRate: 500,
      maxRate: 4000,
      maxSteps: 3,
      workers: 1,
      onStep: (cls, step) =>
        print(`  ${cls} ${Math.round(step.rate)}/s: ${step.pass ? 'pass' : `fail (${step.failedBy})`}`),
    });
    print(queriesLine(capacity.queries));
    const answered = await targetQueries(server.url);
    print(`  the target answered ${answered.answered} queries and refused ${answered.throttled} with 429`);
    return capacity;
  } finally {
    await target.stop();
    server.child.kill('SIGINT');
    await once(server.child, 'exit');
  }
}

async function scenarioCapacity(
  scenario: Scenario,
  options: CapacityBenchOptions,
  print: (line: string) => void,
): Promise<CapacityFigures> {
  // The last core for the target, the others for the generator (one core: nothing to pin apart).
  const cores = availableParallelism();
  const cpus = cores > 1 && (await tasksetAvailable()) ? String(cores - 1) : undefined;
  // A step sees an overload of limit ÷ duration, the limit being two poll resolutions at least:
  // short steps at a 1 s poll (the scenarios' own) could hide a target offered twice what it
  // processes. The reference's capacity is measured, not PostHog Cloud's query budget: the
  // target runs unthrottled (self-hosted) and is polled every 250 ms.
  const stepDurationMs = options.quick === true ? 6000 : 15_000;
  print(
    `capacity bench: ${scenario.name} behaviours, steps of ${stepDurationMs / 1000} s, polled every 250 ms (self-hosted limits), target ${cpus === undefined ? 'not pinned' : `pinned to CPU ${cpus}`}, ${cores} cores`,
  );
  const target = await startEmbeddedTarget({
    queryLimits: 'self-hosted',
    ...(cpus === undefined ? {} : { cpus }),
  });
  const polled = withTargetLimits(
    { ...scenario, observation: { ...scenario.observation, pollIntervalMs: 250 } },
    target.queryUrl,
    'self-hosted',
  );
  try {
    const capacity = await runCapacity({
      scenario: polled,
      target,
      classes: ['anonymous', 'identified'],
      stepDurationMs,
      runId: newRunId(),
      startRate: 1000,
      resolution: 0.15,
      onStep: (cls, step) =>
        print(
          `  ${cls} ${Math.round(step.rate)}/s: ${step.pass ? 'pass' : `fail (${step.failedBy}) ${step.reasons.join('; ')}`}`,
        ),
    });
    for (const cls of ['anonymous', 'identified'] as const)
      print(classLine(cls, capacity.classes[cls], capacity.criteria));
    const bound =
      capacity.ratioBound === 'exact' || capacity.ratioBound === null ? '' : ` (${capacity.ratioBound})`;
    print(
      `ratio anonymous ÷ identified capacity: ${capacity.ratio?.toFixed(2) ?? '—'}×${bound}; ` +
        `ingestion CPU per event identified ÷ anonymous: ${capacity.cpuRatio?.toFixed(2) ?? '—'}×`,
    );
    // One budget for the whole search, as PostHog counts the key's queries.
    print(queriesLine(capacity.queries));
    return capacity;
  } finally {
    await target.stop();
  }
}

function classLine(cls: string, c: ClassCapacity | undefined, criteria: CapacityFigures['criteria']): string {
  if (c === undefined) return `${cls}: not measured`;
  const sustained =
    c.sustainable === null
      ? 'none'
      : `${c.limitedBy === 'generator' ? '≥ ' : ''}${Math.round(c.sustainable)}/s`;
  const p99 = c.latency.map(
    (l) =>
      `${Math.round(l.share * 100)}%: ${l.visibleP99Ms === null ? '—' : `${Math.round(l.visibleP99Ms)} ms`}`,
  );
  // How large an overload the step at the capacity could have hidden (its lag-growth limit).
  const atCapacity = c.steps.find((s) => s.pass && s.rate === c.sustainable);
  const sees =
    atCapacity === undefined
      ? ''
      : `; its step sees an overload above ${Math.round(lagGrowthSensitivity(atCapacity, criteria) * 100)}% (resolution ${Math.round(atCapacity.resolutionMs)} ms)`;
  return (
    `${cls}: sustainable ${sustained}${sees}, failed at ${c.failedAt ?? '—'}/s, limited by ${c.limitedBy}, generator ceiling ${Math.round(c.generatorCeiling)}/s; ` +
    `visible p99 ${p99.join(', ')}; CPU/event ingestion ${c.cpuMicrosPerEvent?.toFixed(1) ?? '—'} µs, all target processes ${c.processCpuMicrosPerEvent?.toFixed(1) ?? '—'} µs`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runCapacityBench({
    quick: process.argv.includes('--quick'),
    budgetOnly: process.argv.includes('budget'),
  });
}
