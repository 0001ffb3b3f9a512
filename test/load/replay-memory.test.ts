// Memory does not grow with the replayed file: a child process whose heap is a fraction of the
// file's size reads it through (the validating pass) and renders every event of it (a worker's
// source), and its heap stays far below the file.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';

const HEAP_MB = 48;
const EVENTS = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'ingestbench-replay-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function writeLargeRecording(file: string): Promise<void> {
  const out = createWriteStream(file);
  const filler = 'x'.repeat(600);
  for (let i = 0; i < EVENTS; i++) {
    const line = `${JSON.stringify({
      event: '$pageview',
      distinct_id: `user-${i % 5000}`,
      properties: { $current_url: `https://example.com/${i}`, filler, $process_person_profile: i % 2 === 0 },
      timestamp: new Date(Date.UTC(2024, 0, 1) + i).toISOString(),
    })}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

describe('replay memory', () => {
  it(`reads and renders a file several times larger than a ${HEAP_MB} MB heap`, async () => {
    const file = join(dir, 'large.jsonl');
    await writeLargeRecording(file);
    const size = statSync(file).size;
    assert.ok(size > 2.5 * HEAP_MB * 2 ** 20, `the file (${size} bytes) is well over the heap limit`);
    const child = new URL('./replay-memory-child.js', import.meta.url);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, child.pathname, file],
      { maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(stdout) as { events: number; bytes: number; peakHeapBytes: number };
    assert.equal(result.events, EVENTS);
    // Every event rendered: more bytes went out than the heap could hold at once.
    assert.ok(result.bytes > size);
    assert.ok(
      result.peakHeapBytes < size / 4,
      `peak heap ${result.peakHeapBytes} bytes for a file of ${size}: memory followed the file`,
    );
  });
});
