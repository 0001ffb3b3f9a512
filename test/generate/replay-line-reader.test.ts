// The line reader holds one chunk and one line: lines that span chunks, CRLF endings, a last line
// without a newline and an empty file all read back exactly.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { ReplayLineReader } from '../../src/generate/replay-line-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function readAll(text: string | Buffer): { line: number; text: string }[] {
  const file = join(dir, 'f.txt');
  writeFileSync(file, text);
  const reader = new ReplayLineReader(file);
  const out: { line: number; text: string }[] = [];
  for (let l = reader.next(); l !== null; l = reader.next()) out.push(l);
  reader.close();
  return out;
}

describe('ReplayLineReader', () => {
  it('reads lines that span its 1 MiB chunks, with their numbers', () => {
    // Lines of 0.7 MiB: every other one crosses a chunk boundary; one of 2.5 MiB spans three.
    const long = [
      'a'.repeat(700_000),
      'é'.repeat(350_000),
      'b'.repeat(2_600_000),
      'c',
      '',
      'd'.repeat(700_000),
    ];
    const lines = readAll(`${long.join('\n')}\n`);
    assert.deepEqual(
      lines.map((l) => [l.line, l.text.length, l.text[0] ?? '']),
      long.map((t, i) => [i + 1, t.length, t[0] ?? '']),
    );
    assert.equal(lines[1]!.text, long[1]);
  });

  it('drops CR of CRLF endings and reads a last line without a newline', () => {
    assert.deepEqual(
      readAll('one\r\ntwo\r\nthree').map((l) => l.text),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(readAll(''), []);
  });

  it('names a missing file with REPLAY_INVALID', () => {
    assert.throws(
      () => new ReplayLineReader(join(dir, 'missing.jsonl')),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'REPLAY_INVALID',
    );
  });
});
