// `ingestbench serve --memory --query-limits cloud` on a free port, in its own process, for the
// benches that measure the harness against the reference as a real PostHog (posthog target).

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const TOKEN = 'phc_ingestbench';
export const KEY = 'phx_ingestbench';
export const BIN = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

/** `ingestbench serve --memory --query-limits cloud` on a free port, in its own process. */
export async function startServe(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--memory', '--port', String(port), '--query-limits', 'cloud'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  for await (const chunk of child.stdout) {
    text += String(chunk);
    const m = /query\s+(http:\/\/\S+)/.exec(text);
    if (m) return { url: m[1]!, child };
  }
  throw new Error(`serve exited before printing its URLs: ${text}`);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
