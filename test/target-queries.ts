// The reference target's count of query requests by outcome (answered, throttled_minute, …), read
// from its /metrics as any scraper would: the target's side of "nothing was throttled".

import { request } from 'undici';
import { parsePrometheusText } from '../src/measure/measure-cost.js';

/** ingestbench_queries_total by its `outcome` label. */
export async function queryOutcomes(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await request(metricsUrl)).body.text();
  const out: Record<string, number> = {};
  for (const s of parsePrometheusText(text))
    if (s.name === 'ingestbench_queries_total') out[s.labels['outcome'] ?? ''] = s.value;
  return out;
}
