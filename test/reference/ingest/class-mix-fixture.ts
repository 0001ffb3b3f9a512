// Batches of a given class mix through the real batch processor, and the identified ÷ anonymous
// CPU per event its cost meter reports: for the class-cost tests and `npm run bench -- class-mix`.
// Each class's per-event work is the same in every mix (every distinct id sends two events).

import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import { captured } from './captured-event-fixture.js';
import { storeFixture } from './store-fixture.js';

let anonymousSeq = 0;
let identifiedSeq = 0;

export const anonymousEvent = (): CapturedEvent => {
  const i = anonymousSeq++;
  return captured({
    distinctId: `anon-${i >> 1}`,
    properties: { $process_person_profile: false, $current_url: `https://example.com/p/${i}` },
  });
};

export const identifiedEvent = (): CapturedEvent => {
  const i = identifiedSeq++;
  return captured({
    event: 'report viewed',
    distinctId: `user-${i >> 1}`,
    properties: { $set: { plan: 'free', n: i } },
  });
};

/** identified ÷ anonymous CPU per event over `batches` batches of 100, `anonymousPerBatch` of them anonymous. */
export function mixCpuRatio(anonymousPerBatch: number, batches = 250): number {
  const { processor } = storeFixture();
  const cpu = { anonymous: 0, identified: 0 };
  const events = { anonymous: 0, identified: 0 };
  for (let b = 0; b < batches; b++) {
    const batch = [
      ...Array.from({ length: anonymousPerBatch }, anonymousEvent),
      ...Array.from({ length: 100 - anonymousPerBatch }, identifiedEvent),
    ];
    const outcome = processor.process(batch);
    cpu.anonymous += outcome.cpuMicros.anonymous;
    cpu.identified += outcome.cpuMicros.identified;
    events.anonymous += outcome.ingested.anonymous;
    events.identified += outcome.ingested.identified;
  }
  if (
    events.anonymous !== anonymousPerBatch * batches ||
    events.identified !== (100 - anonymousPerBatch) * batches
  ) {
    throw new Error(
      `ingested ${JSON.stringify(events)} of ${batches} batches with ${anonymousPerBatch} anonymous each`,
    );
  }
  return cpu.identified / events.identified / (cpu.anonymous / events.anonymous);
}
