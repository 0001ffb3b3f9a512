// Number formatting and summaries the benches print: whole numbers with separators, the median of
// rounds, and a median with its range (rounds on a shared machine spread; the range says how far).

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "1.02 [0.97–1.05]": the median and the range of the rounds. */
export function range(values: readonly number[]): string {
  const median_ = median(values).toFixed(2);
  return values.length === 1
    ? median_
    : `${median_} [${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}]`;
}
