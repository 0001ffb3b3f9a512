// The reference target's injected-fault counters, read from its /metrics as any scraper would.

import assert from 'node:assert/strict';
import { request } from 'undici';
import { sample } from './reference/server/prometheus-sample.js';

/** ingestbench_faults_injected_total{kind}; fails the test when the sample is missing. */
export async function faultsInjected(
  target: { readonly metricsUrl: string | null },
  kind: string,
): Promise<number> {
  assert.ok(target.metricsUrl, 'the target exposes /metrics');
  const response = await request(target.metricsUrl);
  const value = sample(await response.body.text(), 'ingestbench_faults_injected_total', { kind });
  assert.ok(value !== undefined, `no ingestbench_faults_injected_total{kind="${kind}"} sample`);
  return value;
}
