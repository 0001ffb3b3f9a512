// `validate` read a relative scenario path against the process's working directory instead of
// the CliIo's `cwd` (as `run` does), so main(['validate', 'x.yaml'], io) found no file in io.cwd.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, it } from 'node:test';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-validate-cwd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('validate resolves a relative scenario path against io.cwd', async () => {
  writeFileSync(
    join(dir, 'relative.yaml'),
    'name: t\nphases:\n  - kind: steady\n    rate: 100\n    duration: 10s\nbehaviours:\n  - kind: pageview\n',
  );
  let stderr = '';
  const sink = (onText: (t: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        onText(chunk.toString());
        done();
      },
    });
  const code = await main(['validate', 'relative.yaml'], {
    stdout: sink(() => undefined),
    stderr: sink((t) => (stderr += t)),
    env: {},
    cwd: dir,
    signal: new AbortController().signal,
    interactive: false,
  });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /valid/);
});
