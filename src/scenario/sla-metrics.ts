// The metric catalogue SLA expressions may name. The report builder provides a value for exactly
// these paths; the SLA parser validates names and units against it; the docs list it. Latencies
// are milliseconds, shares are fractions (0.01 = 1%), rates are events per second, ratios plain
// numbers.

export type SlaUnit = 'ms' | 'count' | 'fraction' | 'eps' | 'ratio';

export interface SlaMetric {
  readonly path: string;
  readonly unit: SlaUnit;
  readonly description: string;
  /**
   * The name this metric had before (`lost_rate`, `dropped_rate`, `capture.error_rate`: shares
   * of counts, not rates), still accepted wherever a metric is named so existing scenario files
   * and CI flags keep working; everything written names the metric by `path`.
   */
  readonly formerly?: string;
}

/** Metric scopes: all events, then each event class on its own. */
export const SLA_SCOPES = ['', 'anonymous.', 'identified.'] as const;

const LATENCIES = [
  ['visible', 'time from intended send until a poll first saw the event in the query API'],
  ['ack', 'time from intended send until capture acknowledged the request carrying the event'],
  ['sendDelay', 'actual send time minus intended send time (how far the load generator fell behind)'],
] as const;

const STATISTICS = [
  ['p50', 'median'],
  ['p90', '90th percentile'],
  ['p99', '99th percentile'],
  ['p999', '99.9th percentile'],
  ['max', 'maximum'],
] as const;

const COUNTS = [
  ['lost', 'acknowledged events never seen by the query API before the drain timeout'],
  [
    'unverified',
    'acknowledged events observation could not check (query budget exhausted, query API lost, run interrupted)',
  ],
  ['duplicates', 'rows returned beyond one per distinct event uuid'],
  ['dropped', 'events never sent because the in-flight request cap was reached'],
  ['rejected', 'events in requests that capture refused (4xx/5xx after retries)'],
  [
    'failed',
    'events in requests that timed out or met a network error (unknown whether the target has them)',
  ],
  ['visible', 'events seen by the query API'],
  ['acknowledged', 'events in requests that capture acknowledged (2xx)'],
  ['sent', 'events put on the wire'],
  ['planned', 'events the schedule intended to send'],
] as const;

function scopeLabel(scope: string): string {
  return scope === '' ? 'all events' : `${scope.slice(0, -1)} events`;
}

function buildCatalogue(): SlaMetric[] {
  const metrics: SlaMetric[] = [];
  for (const scope of SLA_SCOPES) {
    const who = scopeLabel(scope);
    for (const [name, meaning] of LATENCIES) {
      for (const [stat, statName] of STATISTICS) {
        metrics.push({
          path: `${scope}${name}.${stat}`,
          unit: 'ms',
          description: `${statName} ${meaning} (${who})`,
        });
      }
    }
    for (const [name, meaning] of COUNTS) {
      metrics.push({ path: `${scope}${name}`, unit: 'count', description: `${meaning} (${who})` });
    }
    metrics.push({
      path: `${scope}lost_share`,
      unit: 'fraction',
      description: `lost / acknowledged (${who})`,
      formerly: `${scope}lost_rate`,
    });
    metrics.push({
      path: `${scope}dropped_share`,
      unit: 'fraction',
      description: `dropped / planned: the share of the load never sent (${who})`,
      formerly: `${scope}dropped_rate`,
    });
  }
  metrics.push(
    {
      path: 'capture.error_share',
      unit: 'fraction',
      description: '(sent − acknowledged) / sent events: the share capture did not acknowledge',
      formerly: 'capture.error_rate',
    },
    {
      path: 'rate.achieved',
      unit: 'eps',
      description:
        "events actually sent per second over the measured phases (measured events sent ÷ the phases' duration)",
    },
    {
      path: 'rate.achieved_share',
      unit: 'fraction',
      description: 'rate.achieved / the target rate over the measured phases (1 = the whole load was sent)',
    },
    // Judged by `ingestbench capacity` only (a run has no value for them, so they fail there).
    {
      path: 'capacity.anonymous',
      unit: 'eps',
      description: 'capacity: the highest anonymous rate the target sustained, events/s',
    },
    {
      path: 'capacity.identified',
      unit: 'eps',
      description: 'capacity: the highest identified rate the target sustained, events/s',
    },
    {
      path: 'capacity.ratio',
      unit: 'ratio',
      description: 'capacity: anonymous ÷ identified sustainable rate',
    },
  );
  return metrics;
}

export const SLA_METRICS: readonly SlaMetric[] = Object.freeze(buildCatalogue());

const BY_PATH: ReadonlyMap<string, SlaMetric> = new Map(
  SLA_METRICS.flatMap((m) =>
    m.formerly === undefined
      ? [[m.path, m]]
      : [
          [m.path, m],
          [m.formerly, m],
        ],
  ),
);

/** The catalogue entry for `path` (or for its former name), or undefined when it is not a metric. */
export function slaMetric(path: string): SlaMetric | undefined {
  return BY_PATH.get(path);
}
