// A recorded events file, one line at a time, with blocking reads of a fixed-size chunk: memory
// holds one chunk and the line being read, never the file, however large it is. Blocking is
// deliberate: a replay's load worker reads on its own thread, between batches, and a synchronous
// source keeps the send loop free of a promise per event (see load/event-source.ts). The
// validating pass on the main thread yields between chunks itself (scan-replay.ts).

import { closeSync, openSync, readSync } from 'node:fs';
import { IngestbenchError } from '../errors.js';

const CHUNK_BYTES = 1 << 20;
/**
 * Longest line accepted. A requests_dump line holds one request body in base64: PostHog's
 * capture takes up to 20 MiB on /batch/ (DESIGN.md), 27 MiB in base64, and some JSON around it.
 */
export const MAX_LINE_BYTES = 32 << 20;

export interface ReplayLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
}

export class ReplayLineReader {
  private readonly fd: number;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private start = 0;
  private end = 0;
  /** Bytes of a line that began in an earlier chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNo = 0;
  private eof = false;
  /** Bytes read so far (progress of the validating pass). */
  bytesRead = 0;

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const why =
        code === 'ENOENT' ? 'no such file: check the path' : code === 'EISDIR' ? 'is a directory' : code;
      throw new IngestbenchError('REPLAY_INVALID', `replay file ${file}: ${why}`, { cause: error });
    }
  }

  /** The next line (without its line ending), or null at the end of the file. */
  next(): ReplayLine | null {
    for (;;) {
      const newline = this.chunk.indexOf(0x0a, this.start);
      if (newline !== -1 && newline < this.end) {
        const text = this.take(newline);
        this.start = newline + 1;
        return { line: ++this.lineNo, text };
      }
      if (this.eof) {
        if (this.start === this.end && this.pendingBytes === 0) return null;
        const text = this.take(this.end);
        this.start = this.end;
        return { line: ++this.lineNo, text };
      }
      this.keepRest();
      this.fill();
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private fill(): void {
    const n = readSync(this.fd, this.chunk, 0, CHUNK_BYTES, null);
    this.bytesRead += n;
    this.start = 0;
    this.end = n;
    if (n === 0) this.eof = true;
  }

  /** Keeps the unfinished line of the current chunk before the chunk is overwritten. */
  private keepRest(): void {
    if (this.start < this.end) {
      this.pendingBytes += this.end - this.start;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        throw new IngestbenchError(
          'REPLAY_INVALID',
          `${this.file}:${this.lineNo + 1}: line longer than ${MAX_LINE_BYTES >> 20} MiB: one event (or one requests_dump request) per line`,
        );
      }
      this.pending.push(Buffer.from(this.chunk.subarray(this.start, this.end)));
    }
    this.start = this.end;
  }

  private take(until: number): string {
    let bytes = this.chunk.subarray(this.start, until);
    if (this.pendingBytes > 0) {
      bytes = Buffer.concat([...this.pending, bytes]);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const last = bytes.length - 1;
    return bytes.toString('utf8', 0, last >= 0 && bytes[last] === 0x0d ? last : bytes.length);
  }
}
