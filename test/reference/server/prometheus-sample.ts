// Test helper: one sample's value out of Prometheus text exposition.

import { parsePrometheusText } from '../../../src/measure/measure-cost.js';

/** The value of the series `name` with exactly these labels; undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels);
  const match = parsePrometheusText(text).find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === wanted.length &&
      wanted.every(([key, value]) => s.labels[key] === value),
  );
  return match?.value;
}
