// A step measurement with every figure of a healthy step, to be overridden per test.
import type { CapacityStep, StepMeasurement } from '../../src/verdict/capacity-types.js';

export function measurement(rate: number, overrides: Partial<StepMeasurement> = {}): StepMeasurement {
  const durationMs = 3000;
  const planned = Math.round((rate * durationMs) / 1000);
  return {
    rate,
    durationMs,
    planned,
    sent: planned,
    acknowledged: planned,
    dropped: 0,
    errors: 0,
    visible: planned,
    unseen: 0,
    achievedRate: rate,
    sendDelayP99Ms: 2,
    ackP99Ms: 20,
    inFlightBoundMs: 1280,
    visibleP50Ms: 300,
    visibleP99Ms: 600,
    visibleMaxMs: 700,
    resolutionMs: 250,
    lagGrowthMs: 10,
    cpuMicrosPerEvent: 50,
    processCpuMicrosPerEvent: 80,
    ...overrides,
  };
}

/**
 * A fake target with its knee at `knee` events/s and a generator that can send `generatorLimit`:
 * above the knee the lag grows, above the generator's limit sends fall behind. Records each rate.
 */
export function fakeStepRunner(
  knee: number,
  generatorLimit = Number.POSITIVE_INFINITY,
): { run: (rate: number) => Promise<CapacityStep>; rates: number[] } {
  const rates: number[] = [];
  return {
    rates,
    run(rate) {
      rates.push(rate);
      if (rate > generatorLimit) {
        return Promise.resolve({
          ...measurement(rate, { achievedRate: generatorLimit }),
          role: 'search',
          pass: false,
          failedBy: 'generator',
          reasons: ['rate not reached'],
        });
      }
      const pass = rate <= knee;
      return Promise.resolve({
        ...measurement(rate, pass ? {} : { lagGrowthMs: 2000 }),
        role: 'search',
        pass,
        failedBy: pass ? null : 'target',
        reasons: pass ? [] : ['lag grew'],
      });
    },
  };
}
