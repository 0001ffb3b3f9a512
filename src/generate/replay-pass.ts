// One pass over a recorded events file as a stream of events: each with its index in the pass,
// its line (for messages) and the latest recorded time up to it (the running maximum the replay
// times events by, load/replay-timing.ts). The validating pass, the counting pass and every
// worker's source read the file through this, so they agree on what event i is.

import { ReplayLineReader } from './replay-line-reader.js';
import { parseReplayLine, type RecordedEvent } from './replay-record.js';

export interface PassEvent {
  /** Index of the event in the pass (events, not lines). */
  readonly index: number;
  /** 1-based line of the file it came from. */
  readonly line: number;
  readonly record: RecordedEvent;
  /** Latest recorded time of this event and all before it in the file, unix ms. */
  readonly recordedMs: number;
}

export class ReplayPass {
  private readonly reader: ReplayLineReader;
  private lineEvents: readonly RecordedEvent[] = [];
  private lineIndex = 0;
  private line = 0;
  private index = 0;
  private latestMs = -Infinity;

  constructor(readonly file: string) {
    this.reader = new ReplayLineReader(file);
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.reader.bytesRead;
  }

  /** Lines read so far. */
  get lines(): number {
    return this.line;
  }

  /** The next event of the pass, or null at the end of the file. Throws REPLAY_INVALID on a bad line. */
  next(): PassEvent | null {
    while (this.lineIndex >= this.lineEvents.length) {
      const next = this.reader.next();
      if (next === null) return null;
      this.line = next.line;
      this.lineEvents = parseReplayLine(next.text, `${this.file}:${next.line}`);
      this.lineIndex = 0;
    }
    const record = this.lineEvents[this.lineIndex++]!;
    if (record.timestampMs > this.latestMs) this.latestMs = record.timestampMs;
    return { index: this.index++, line: this.line, record, recordedMs: this.latestMs };
  }

  close(): void {
    this.reader.close();
  }
}
