// Rate accuracy of the open-model sender (`npm run bench -- rate`): 20,000 events/s for 30 s with
// 2 workers into the sink's black hole: the achieved rate against the target and the send delay
// (actual − intended send time). Figures are printed, never asserted.

import { pathToFileURL } from 'node:url';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { fmt } from './bench-figures.js';
import { QUICKSTART, send, sendScenario, steady } from './black-hole-load.js';
import { startSinkProcess } from './sink-process.js';

export interface RateAccuracyFigures {
  readonly target: number;
  readonly seconds: number;
  readonly achieved: number;
  readonly errorPercent: number;
  readonly p50SendDelayMs: number;
  readonly p99SendDelayMs: number;
  readonly maxSendDelayMs: number;
  readonly dropped: number;
}

export async function runRateAccuracyBench(
  options: { out?: NodeJS.WritableStream; quick?: boolean } = {},
): Promise<RateAccuracyFigures> {
  const out = options.out ?? process.stdout;
  const base = await loadScenario(QUICKSTART);
  const sink = await startSinkProcess();
  try {
    const rate = await rateAccuracy(base, sink.url, 20_000, options.quick === true ? 5 : 30);
    out.write(
      `rate accuracy: target ${fmt(rate.target)} events/s for ${rate.seconds} s, achieved ${fmt(rate.achieved)} ` +
        `(error ${rate.errorPercent.toFixed(3)} %), send delay p50 ${rate.p50SendDelayMs.toFixed(3)} ms, ` +
        `p99 ${rate.p99SendDelayMs.toFixed(3)} ms, max ${rate.maxSendDelayMs.toFixed(1)} ms, dropped ${rate.dropped}\n`,
    );
    return rate;
  } finally {
    await sink.stop();
  }
}

async function rateAccuracy(
  base: Scenario,
  captureUrl: string,
  rate: number,
  seconds: number,
): Promise<RateAccuracyFigures> {
  const result = await send(sendScenario(base, [steady(rate, seconds)], 64), captureUrl, 2, false);
  // Events whose actual send fell inside the run's window: a late scheduler spills past it.
  const sentInWindow = result.timeline.slice(0, seconds).reduce((s, p) => s + p.sent, 0);
  const achieved = sentInWindow / seconds;
  const delay = decodeFromCompressedBase64(result.histograms.sendDelay.all);
  return {
    target: rate,
    seconds,
    achieved,
    errorPercent: ((achieved - rate) / rate) * 100,
    p50SendDelayMs: delay.getValueAtPercentile(50) / 1000,
    p99SendDelayMs: delay.getValueAtPercentile(99) / 1000,
    maxSendDelayMs: delay.maxValue / 1000,
    dropped: result.counts.anonymous.dropped + result.counts.identified.dropped,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runRateAccuracyBench({ quick: process.argv.includes('--quick') });
}
