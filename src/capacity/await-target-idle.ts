// Between capacity steps the target drains, so one step's backlog never lands on the next. With
// metrics (the reference target) that is its queue depth reaching 0; without, a step whose events
// all became visible left nothing behind, and one that did not gets a cool-down instead.

import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { parsePrometheusText } from '../measure/measure-cost.js';
import type { TargetEndpoints } from '../targets/target.js';

const QUEUE_DEPTH = 'ingestbench_queue_depth_events';

export async function awaitTargetIdle(
  target: Pick<TargetEndpoints, 'metricsUrl'>,
  options: {
    /** Every event of the step was seen: nothing of ours is left in the pipeline. */
    readonly drained: boolean;
    readonly coolDownMs: number;
    readonly timeoutMs: number;
    readonly signal?: AbortSignal;
  },
): Promise<void> {
  const signal = options.signal;
  if (target.metricsUrl === null) {
    if (!options.drained)
      await sleep(options.coolDownMs, undefined, signal ? { signal } : {}).catch(() => undefined);
    return;
  }
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && signal?.aborted !== true) {
    const depth = await queueDepth(target.metricsUrl);
    if (depth === 0 || depth === null) return;
    await sleep(200);
  }
}

async function queueDepth(metricsUrl: string): Promise<number | null> {
  try {
    const response = await request(metricsUrl, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await response.body.text();
    const sample = parsePrometheusText(text).find((s) => s.name === QUEUE_DEPTH);
    return sample?.value ?? null;
  } catch {
    // A target whose metrics stop answering is judged by the next step, not here.
    return null;
  }
}
