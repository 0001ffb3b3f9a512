// A weighted choice among a few fixed options, drawn with any Random: the SDK profiles' value
// distributions (browser shares, screen sizes, time zones, …) are tables of [value, weight].

import type { Random } from './prng.js';

export type Weighted<T> = readonly (readonly [T, number])[];

export class WeightedPick<T> {
  private readonly values: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(table: Weighted<T>) {
    this.values = table.map(([value]) => value);
    const total = table.reduce((sum, [, weight]) => sum + weight, 0);
    this.cumulative = new Float64Array(table.length);
    let sum = 0;
    table.forEach(([, weight], i) => {
      sum += weight / total;
      this.cumulative[i] = sum;
    });
  }

  pick(random: Random): T {
    const draw = random.nextFloat();
    let i = 0;
    while (i < this.cumulative.length - 1 && draw >= this.cumulative[i]!) i++;
    return this.values[i]!;
  }
}
