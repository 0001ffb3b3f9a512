// Relative processing cost, measured rather than assumed: the target's own counters of CPU
// seconds spent by its ingestion per event class, and of events it processed per class, read from
// its Prometheus /metrics before and after the run. The ratio identified/anonymous is what the
// "anonymous events can be up to 4x cheaper" claim is about.

import { request } from 'undici';
import { IngestbenchError } from '../errors.js';
import type { EventClass } from '../scenario/scenario.js';

export interface CostCounters {
  readonly cpuSeconds: Record<EventClass, number>;
  /** Events stored per class (outcome="ingested"; dropped ones are not a stored event's cost). */
  readonly processed: Record<EventClass, number>;
  /** CPU of each target process (capture, ingestion), for context. */
  readonly processCpuSeconds: Record<string, number>;
}

export interface CostFigures {
  readonly source: 'target-metrics';
  readonly classes: Record<
    EventClass,
    { events: number; cpuSeconds: number; cpuMicrosPerEvent: number | null }
  >;
  /** identified ÷ anonymous CPU per event; null unless both classes were processed. */
  readonly identifiedToAnonymousRatio: number | null;
  readonly processCpuSeconds: Record<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;

/** Prometheus text exposition → samples (name, labels, value). Comments and blank lines skipped. */
export function parsePrometheusText(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

export function costCountersFromMetrics(text: string): CostCounters {
  const counters: CostCounters = {
    cpuSeconds: { anonymous: 0, identified: 0 },
    processed: { anonymous: 0, identified: 0 },
    processCpuSeconds: {},
  };
  for (const s of parsePrometheusText(text)) {
    const cls = s.labels['class'];
    const isClass = cls === 'anonymous' || cls === 'identified';
    if (s.name === 'ingestbench_ingestion_cpu_seconds_total' && isClass) counters.cpuSeconds[cls] += s.value;
    else if (
      s.name === 'ingestbench_events_ingested_total' &&
      isClass &&
      s.labels['outcome'] === 'ingested'
    ) {
      counters.processed[cls] += s.value;
    } else if (s.name === 'process_cpu_seconds_total' && s.labels['process']) {
      counters.processCpuSeconds[s.labels['process']] = s.value;
    }
  }
  return counters;
}

export async function scrapeCostCounters(metricsUrl: string): Promise<CostCounters> {
  try {
    const response = await request(metricsUrl, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    return costCountersFromMetrics(text);
  } catch (error) {
    throw new IngestbenchError(
      'TARGET_UNREACHABLE',
      `could not read target metrics at ${metricsUrl}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

export function measureCost(before: CostCounters, after: CostCounters): CostFigures {
  const classes = {} as CostFigures['classes'];
  for (const cls of ['anonymous', 'identified'] as const) {
    const events = after.processed[cls] - before.processed[cls];
    const cpuSeconds = after.cpuSeconds[cls] - before.cpuSeconds[cls];
    classes[cls] = { events, cpuSeconds, cpuMicrosPerEvent: events > 0 ? (cpuSeconds * 1e6) / events : null };
  }
  const a = classes.anonymous.cpuMicrosPerEvent;
  const i = classes.identified.cpuMicrosPerEvent;
  const processCpuSeconds: Record<string, number> = {};
  for (const [name, value] of Object.entries(after.processCpuSeconds)) {
    processCpuSeconds[name] = value - (before.processCpuSeconds[name] ?? 0);
  }
  return {
    source: 'target-metrics',
    classes,
    identifiedToAnonymousRatio: a !== null && i !== null && a > 0 ? i / a : null,
    processCpuSeconds,
  };
}
