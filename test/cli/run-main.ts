// main(argv, io) with captured output, for the CLI tests that run whole commands.

import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface MainResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runMain(
  argv: readonly string[],
  opts: { cwd: string; env?: Record<string, string>; signal?: AbortSignal },
): Promise<MainResult> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await main(argv, {
    stdout,
    stderr,
    env: opts.env ?? {},
    cwd: opts.cwd,
    signal: opts.signal ?? new AbortController().signal,
    interactive: false,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
