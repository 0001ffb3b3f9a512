// The sentence that reports clock skew: latencies that came out negative (created_at before the
// intended send time, …), counted and kept out of the percentiles. Null when there was none, so
// a clean run's summary does not grow a line of zeros.

import { formatCount, formatDuration } from '../core/format.js';
import type { Report } from './report-types.js';

const LABEL = { ack: 'ack', sendDelay: 'send delay', visible: 'visible', created: 'created_at' } as const;

export function clockSkewLine(report: Report): string | null {
  const parts = (Object.keys(LABEL) as (keyof typeof LABEL)[])
    .filter((metric) => report.clockSkew[metric].count > 0)
    .map((metric) => {
      const { count, worstMs } = report.clockSkew[metric];
      return `${LABEL[metric]} ${formatCount(count)} (worst ${formatDuration(worstMs ?? 0)})`;
    });
  if (parts.length === 0) return null;
  return `clock skew: negative latencies, kept out of the percentiles: ${parts.join(', ')}`;
}
