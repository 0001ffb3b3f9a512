// Parsed scenario file → resolved Scenario: durations to milliseconds, weights normalised, default
// names filled in, SLA expressions parsed, and the command-line overrides applied. Pure: the input
// is not mutated, and bad overrides are reported as usage errors, not scenario errors.

import { IngestbenchError } from '../errors.js';
import { parseSlaExpression } from './parse-sla.js';
import { parseDuration } from '../core/parse-duration.js';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { resolveLimits } from './deployment-limits.js';
import type {
  Behaviour,
  Observation,
  ObservationLimits,
  PropertyGenerator,
  RatePhase,
  ReplaySpec,
  Scenario,
  SdkName,
} from './scenario.js';
import type { ParsedScenario } from './scenario-schema.js';

export interface ScenarioOverrides {
  /** Scale every phase so the peak rate is this many events/s (`--rate`). */
  rate?: number;
  /** Duration of the steady phase (the longest one), or of the longest phase if none is steady. */
  durationMs?: number;
  seed?: number;
  /** How long the preflight waits for its probe event (`--probe-timeout`). */
  probeTimeoutMs?: number;
}

type ParsedPhase = NonNullable<ParsedScenario['phases']>[number];
type ParsedBehaviour = NonNullable<ParsedScenario['behaviours']>[number];
type ParsedGenerator = Extract<ParsedBehaviour, { kind: 'pageview' }>['properties'][string];

/** `source`: absolute path of the file or "<inline>"; `fallbackName`: used when the file has no name. */
export function resolveScenario(
  parsed: ParsedScenario,
  source: string,
  fallbackName: string,
  overrides: ScenarioOverrides = {},
): Scenario {
  checkOverrides(overrides);
  const replay = parsed.replay ? resolveReplay(parsed.replay, source, overrides) : undefined;
  // A replay's phases come from its file (load/plan-replay.ts); --rate and --duration apply to it.
  const phases = replay ? [] : applyOverrides(resolvePhases(parsed.phases ?? []), overrides);
  const behaviours = parsed.behaviours ?? [];
  const totalWeight = behaviours.reduce((sum, b) => sum + b.weight, 0);
  return {
    name: parsed.name ?? fallbackName,
    description: parsed.description.trim(),
    source,
    seed: overrides.seed ?? parsed.seed,
    phases,
    batchSize: parsed.batch_size,
    compression: parsed.compression,
    endpoint: parsed.endpoint,
    population: {
      size: parsed.population.size,
      returningShare: parsed.population.returning,
      ...(parsed.population.anonymous_share !== undefined
        ? { anonymousShare: parsed.population.anonymous_share }
        : {}),
      ...(parsed.population.activity === 'uniform'
        ? {}
        : { activity: { kind: 'zipf' as const, exponent: parsed.population.activity.zipf } }),
    },
    ...(parsed.session === undefined
      ? {}
      : {
          session: {
            idleTimeoutMs: parseDuration(parsed.session.idle_timeout),
            meanEvents: parsed.session.events.mean,
            meanThinkMs: parseDuration(parsed.session.think_time.mean),
            pageleave: parsed.session.pageleave,
          },
        }),
    personProfiles: parsed.person_profiles,
    sdk: parsed.sdk,
    behaviours: behaviours.map((b) => resolveBehaviour(b, b.weight / totalWeight, b.sdk ?? parsed.sdk)),
    observation: {
      pollIntervalMs: parseDuration(parsed.observation.poll_interval),
      ...observationLimits(parsed.observation),
      drainTimeoutMs: parseDuration(parsed.observation.drain_timeout),
      method: parsed.observation.method,
      bucketMs: parseDuration(parsed.observation.bucket),
    },
    sla: parsed.sla.map(parseSlaExpression),
    maxInFlight: parsed.load.max_in_flight,
    requestTimeoutMs: parseDuration(parsed.load.request_timeout),
    maxRetries: parsed.load.retries,
    preflight: { probeTimeoutMs: overrides.probeTimeoutMs ?? parseDuration(parsed.preflight.probe_timeout) },
    loadApplied:
      parsed.load_applied === false
        ? null
        : {
            maxDropped: shareOf(parsed.load_applied.max_dropped),
            minAchieved: shareOf(parsed.load_applied.min_achieved),
          },
    ...(replay ? { replay } : {}),
  };
}

/** `replay.file` is relative to the scenario file (to the working directory for inline text). */
function resolveReplay(
  replay: NonNullable<ParsedScenario['replay']>,
  source: string,
  overrides: ScenarioOverrides,
): ReplaySpec {
  const file = isAbsolute(source) ? resolvePath(dirname(source), replay.file) : resolvePath(replay.file);
  const rate = overrides.rate ?? replay.rate;
  const durationMs = overrides.durationMs ?? (replay.duration ? parseDuration(replay.duration) : undefined);
  return {
    file,
    pace: rate !== undefined ? { kind: 'rate', rate } : { kind: 'speed', speed: replay.speed ?? 1 },
    ...(durationMs !== undefined ? { durationMs } : {}),
  };
}

/** The scenario's limits and the budget they give before the target is known (planned as cloud). */
function observationLimits(
  o: ParsedScenario['observation'],
): Pick<
  Observation,
  'queryBudgetPerMinute' | 'queryBudgetPerHour' | 'maxConcurrentQueries' | 'limits' | 'resolvedLimits'
> {
  const perMinute = o.queries_per_minute ?? o.query_budget;
  const limits: ObservationLimits = {
    profile: o.limits ?? null,
    given: {
      ...(perMinute !== undefined ? { perMinute } : {}),
      ...(o.queries_per_hour !== undefined ? { perHour: o.queries_per_hour } : {}),
      ...(o.max_concurrent_queries !== undefined ? { concurrent: o.max_concurrent_queries } : {}),
      ...(o.max_query_time !== undefined ? { maxQueryMs: parseDuration(o.max_query_time) } : {}),
    },
  };
  const resolved = resolveLimits(limits, null);
  return {
    queryBudgetPerMinute: resolved.perMinute,
    queryBudgetPerHour: resolved.perHour,
    maxConcurrentQueries: resolved.concurrent,
    limits,
    resolvedLimits: resolved,
  };
}

/** "1%" → 0.01; a number is already a fraction. */
function shareOf(value: number | string): number {
  return typeof value === 'number' ? value : Number(value.replace('%', '').trim()) / 100;
}

function resolvePhases(phases: readonly ParsedPhase[]): RatePhase[] {
  const kindCount = new Map<string, number>();
  for (const p of phases) kindCount.set(p.kind, (kindCount.get(p.kind) ?? 0) + 1);
  const seenKind = new Map<string, number>();
  return phases.map((p) => {
    const nth = (seenKind.get(p.kind) ?? 0) + 1;
    seenKind.set(p.kind, nth);
    // Unnamed phases take their kind; repeated kinds are numbered: warmup, steady-1, steady-2.
    const name = p.name ?? ((kindCount.get(p.kind) ?? 0) > 1 ? `${p.kind}-${nth}` : p.kind);
    const durationMs = parseDuration(p.duration);
    return p.kind === 'ramp'
      ? { name, kind: p.kind, durationMs, fromRate: p.from, toRate: p.to, measured: true }
      : { name, kind: p.kind, durationMs, fromRate: p.rate, toRate: p.rate, measured: p.kind !== 'warmup' };
  });
}

function checkOverrides(overrides: ScenarioOverrides): void {
  const bad = (flag: string, value: number, want: string) =>
    new IngestbenchError('USAGE', `${flag} ${value}: expected ${want}`);
  const { rate, durationMs, seed } = overrides;
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
    throw bad('--rate', rate, 'events/s above 0');
  if (durationMs !== undefined && !(Number.isFinite(durationMs) && durationMs > 0)) {
    throw bad('--duration', durationMs, 'a duration above 0, e.g. 30s');
  }
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw bad('--seed', seed, 'a whole number from 0 to 4294967295');
  }
}

function applyOverrides(phases: RatePhase[], overrides: ScenarioOverrides): RatePhase[] {
  let result = phases;
  if (overrides.rate !== undefined) {
    const peak = Math.max(...result.map((p) => Math.max(p.fromRate, p.toRate)));
    const scale = overrides.rate / peak;
    result = result.map((p) => ({ ...p, fromRate: p.fromRate * scale, toRate: p.toRate * scale }));
  }
  if (overrides.durationMs !== undefined) {
    const target = durationTarget(result);
    const durationMs = overrides.durationMs;
    result = result.map((p, i) => (i === target ? { ...p, durationMs } : p));
  }
  return result;
}

/** Index of the phase `--duration` sets: the longest steady phase, else the longest phase (first on ties). */
function durationTarget(phases: readonly RatePhase[]): number {
  const candidates = phases.some((p) => p.kind === 'steady')
    ? phases.filter((p) => p.kind === 'steady')
    : phases;
  const longest = candidates.reduce((best, p) => (p.durationMs > best.durationMs ? p : best));
  return phases.indexOf(longest);
}

function resolveBehaviour(b: ParsedBehaviour, weight: number, sdk: SdkName): Behaviour {
  const base = { name: b.name ?? b.kind, kind: b.kind, weight, groupType: null, groupCount: 0, sdk };
  switch (b.kind) {
    case 'pageview': {
      const properties = resolveProperties(b.properties);
      // posthog-js always sends $current_url with a $pageview; PostHog's web analytics needs it.
      // The posthog-js profile sends it from its site map, with $host and $pathname to match.
      if (sdk !== 'posthog-js') properties['$current_url'] ??= { kind: 'faker', path: 'internet.url' };
      return { ...base, events: [], properties };
    }
    case 'custom':
      return { ...base, events: [...b.events], properties: resolveProperties(b.properties) };
    case 'autocapture':
    case 'identify':
    case 'set':
      return { ...base, events: [], properties: resolveProperties(b.properties) };
    case 'alias':
      return { ...base, events: [], properties: {} };
    case 'group':
      return {
        ...base,
        events: [],
        properties: resolveProperties(b.properties),
        groupType: b.group_type,
        groupCount: b.group_count,
      };
  }
}

function resolveProperties(
  properties: Readonly<Record<string, ParsedGenerator>>,
): Record<string, PropertyGenerator> {
  const resolved: Record<string, PropertyGenerator> = {};
  for (const [key, generator] of Object.entries(properties)) resolved[key] = resolveGenerator(generator);
  return resolved;
}

function resolveGenerator(generator: ParsedGenerator): PropertyGenerator {
  if (generator === null || typeof generator !== 'object') return { kind: 'const', value: generator };
  if (generator.faker !== undefined) return { kind: 'faker', path: generator.faker };
  if (generator.one_of !== undefined) return { kind: 'oneOf', values: [...generator.one_of] };
  if (generator.int !== undefined) return { kind: 'int', min: generator.int[0], max: generator.int[1] };
  // Unreachable after validation (exactly one key); kept as a harness-bug guard, not a fallback.
  throw new IngestbenchError(
    'INTERNAL',
    'property generator with none of faker, one_of, int after validation',
  );
}
