// How SLA thresholds and measured values read in verdict lines and reports: durations in the
// scenario syntax below a minute ("4.2s"), as people read them beyond ("5m 00s"), shares as percentages, counts as integers, rates as events/s.

import { formatDuration } from '../core/format.js';
import type { SlaUnit } from '../scenario/sla-metrics.js';

export function formatSlaValue(value: number | null, unit: SlaUnit): string {
  if (value === null || Number.isNaN(value)) return 'no value';
  switch (unit) {
    case 'ms':
      // Sub-second precision matters for latencies; beyond a minute, whole seconds are enough.
      if (value < 1000) return `${roundTo(value, 1)}ms`;
      if (value < 60_000) return `${roundTo(value / 1000, 2)}s`;
      return formatDuration(Math.round(value / 1000) * 1000);
    case 'fraction':
      return `${roundTo(value * 100, 4)}%`;
    case 'count':
      return String(value);
    case 'eps':
      return `${roundTo(value, 1)}/s`;
    case 'ratio':
      return `${roundTo(value, 2)}×`;
  }
}

function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
