// `npm run bench -- class-mix [rounds]`: does the reference's per-class CPU follow the class mix?
// The identified ÷ anonymous CPU per event of a 10/90 and a 90/10 mix through the real batch
// processor, rounds interleaved so a busy neighbour moves both alike; the medians and their ratio.
// (The unit test checks the meter's rule on a CPU clock it drives; this measures the real code.)

import { mixCpuRatio } from '../test/reference/ingest/class-mix-fixture.js';

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

export function runClassMixBench(rounds = 7): void {
  mixCpuRatio(50, 100); // JIT warm-up, for neither mix to pay
  const tenNinety: number[] = [];
  const ninetyTen: number[] = [];
  for (let round = 0; round < rounds; round++) {
    tenNinety.push(mixCpuRatio(10));
    ninetyTen.push(mixCpuRatio(90));
  }
  const a = median(tenNinety);
  const b = median(ninetyTen);
  const list = (values: readonly number[]): string => values.map((r) => r.toFixed(2)).join(' ');
  console.log(
    `class-mix: identified ÷ anonymous CPU per event, ${rounds} interleaved rounds of 25,000 events per mix`,
  );
  console.log(`  10/90 (10 anonymous of 100): median ${a.toFixed(2)}  [${list(tenNinety)}]`);
  console.log(`  90/10 (90 anonymous of 100): median ${b.toFixed(2)}  [${list(ninetyTen)}]`);
  console.log(`  90/10 ÷ 10/90: ${(b / a).toFixed(3)} (1 when the meter's figures do not follow the mix)`);
}
