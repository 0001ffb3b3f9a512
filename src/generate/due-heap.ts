// A binary min-heap of ids keyed by a due time, in typed arrays: the sessions model keeps every
// open visit here by the time its next event may come, and pops the earliest for each arrival.
// Equal due times pop in an order fixed by the pushes and pops before, so the model stays
// deterministic per seed.

export class DueHeap {
  private due = new Float64Array(64);
  private ids = new Int32Array(64);
  private length = 0;

  get size(): number {
    return this.length;
  }

  /** Due time of the earliest entry (Infinity when empty). */
  peekDue(): number {
    return this.length === 0 ? Infinity : this.due[0]!;
  }

  push(id: number, due: number): void {
    if (this.length === this.due.length) this.grow();
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.due[parent]! <= due) break;
      this.due[i] = this.due[parent]!;
      this.ids[i] = this.ids[parent]!;
      i = parent;
    }
    this.due[i] = due;
    this.ids[i] = id;
  }

  /** Removes the earliest entry and returns its id; -1 when empty. */
  pop(): number {
    if (this.length === 0) return -1;
    const top = this.ids[0]!;
    const n = --this.length;
    if (n === 0) return top;
    const due = this.due[n]!;
    const id = this.ids[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.due[child + 1]! < this.due[child]!) child++;
      if (this.due[child]! >= due) break;
      this.due[i] = this.due[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.due[i] = due;
    this.ids[i] = id;
    return top;
  }

  private grow(): void {
    const due = new Float64Array(this.due.length * 2);
    due.set(this.due);
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.due = due;
    this.ids = ids;
  }
}
