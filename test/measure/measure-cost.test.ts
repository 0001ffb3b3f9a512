import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costCountersFromMetrics, measureCost, parsePrometheusText } from '../../src/measure/measure-cost.js';

const metrics = (anonCpu: number, identCpu: number, anonEvents: number, identEvents: number): string => `
# HELP ingestbench_ingestion_cpu_seconds_total CPU seconds
# TYPE ingestbench_ingestion_cpu_seconds_total counter
ingestbench_ingestion_cpu_seconds_total{class="anonymous"} ${anonCpu}
ingestbench_ingestion_cpu_seconds_total{class="identified"} ${identCpu}
ingestbench_events_ingested_total{class="anonymous",outcome="ingested"} ${anonEvents}
ingestbench_events_ingested_total{class="anonymous",outcome="dropped_unknown_token"} 0
ingestbench_events_ingested_total{class="identified",outcome="ingested"} ${identEvents - 10}
ingestbench_events_ingested_total{class="identified",outcome="dropped_fault"} 10
process_cpu_seconds_total{process="ingestion"} 7.5
`;

describe('measureCost', () => {
  it('parses labels, including escaped quotes', () => {
    const [s] = parsePrometheusText('m{a="x\\"y",b="z"} 3.5');
    assert.deepEqual(s, { name: 'm', labels: { a: 'x"y', b: 'z' }, value: 3.5 });
  });

  it('divides the CPU spent per class by the events processed per class between two scrapes', () => {
    const before = costCountersFromMetrics(metrics(1, 2, 1000, 500));
    const after = costCountersFromMetrics(metrics(1.5, 4, 11_000, 5_500));
    assert.equal(after.processed.identified, 5_490, 'dropped events are not counted as processed');
    const cost = measureCost(before, after);
    assert.equal(cost.classes.anonymous.events, 10_000);
    assert.equal(cost.classes.anonymous.cpuMicrosPerEvent, 50);
    assert.equal(cost.classes.identified.events, 5_000);
    assert.equal(cost.classes.identified.cpuMicrosPerEvent, 400);
    assert.equal(cost.identifiedToAnonymousRatio, 8);
    assert.equal(cost.processCpuSeconds['ingestion'], 0);
  });

  it('gives no ratio when a class was not processed', () => {
    const same = costCountersFromMetrics(metrics(1, 2, 1000, 500));
    const cost = measureCost(same, costCountersFromMetrics(metrics(1.2, 2, 2000, 500)));
    assert.equal(cost.classes.identified.cpuMicrosPerEvent, null);
    assert.equal(cost.identifiedToAnonymousRatio, null);
  });
});
