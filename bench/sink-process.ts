// The benches' black hole, in a child process so it never shares a thread with the senders it
// measures: the reference target's /test/black_hole/ (validates like /batch/, then discards), or a
// minimal node:http sink that parses the JSON when the reference target cannot start. The parent
// asks the child for its CPU seconds, so a bench can say what each side spent over a window.

import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.js';

export const SINK_TOKEN = 'phc_ingestbench';
export const BLACK_HOLE = '/test/black_hole/';

export interface SinkProcess {
  readonly kind: string;
  readonly url: string;
  /** CPU-seconds the sink process has used (user + system, all its threads). */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

type SinkMessage =
  { type: 'ready'; kind: string; url: string } | { type: 'cpu'; seconds: number } | { type: 'stopped' };

export async function startSinkProcess(): Promise<SinkProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['sink'], { stdio: 'inherit' });
  const ready = await new Promise<Extract<SinkMessage, { type: 'ready' }>>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`bench sink exited with code ${code} before it was ready`)),
    );
    child.on('message', (message: SinkMessage) => {
      if (message.type === 'ready') resolve(message);
    });
  });
  const cpuWaiters: ((seconds: number) => void)[] = [];
  child.on('message', (message: SinkMessage) => {
    if (message.type === 'cpu') cpuWaiters.shift()?.(message.seconds);
  });
  return {
    kind: ready.kind,
    url: ready.url,
    cpuSeconds: () =>
      new Promise<number>((resolve) => {
        cpuWaiters.push(resolve);
        child.send({ type: 'cpu' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

/** The child side: the reference target's black hole, or a minimal JSON-parsing sink. */
async function serveSink(): Promise<void> {
  const send = (message: SinkMessage): void => void process.send?.(message);
  let stop: () => Promise<void>;
  let kind: string;
  let url: string;
  try {
    const { startReferenceTarget } = await import('../src/reference/start-reference-target.js');
    const target = await startReferenceTarget({ memory: true, port: 0, tokens: [SINK_TOKEN] });
    kind = 'reference target /test/black_hole/ (validates like /batch/, then discards)';
    url = target.captureUrl;
    stop = () => target.stop();
  } catch (error) {
    process.stderr.write(`reference target unavailable (${String(error)}): using a minimal node:http sink\n`);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { batch?: unknown[] };
        res.writeHead(Array.isArray(body.batch) ? 200 : 400, { 'content-type': 'application/json' });
        res.end('{"status":"Ok"}');
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kind = 'minimal node:http sink (parses the JSON, answers 200)';
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', seconds: (user + system) / 1e6 });
    }
    if (message.type !== 'stop') return;
    void stop().then(() => {
      send({ type: 'stopped' });
      process.disconnect();
    });
  });
  send({ type: 'ready', kind, url });
}

/** CPU-seconds, over a window, of this process (all its threads) and of the sink child. */
export interface CpuWindow {
  readonly seconds: number;
  readonly sender: number;
  readonly sink: number;
}

/** CPU-seconds this process and the sink used between two unix times. */
export async function cpuOver(sink: SinkProcess, fromMs: number, toMs: number): Promise<CpuWindow> {
  await sleep(Math.max(0, fromMs - systemClock.now()));
  const from = await sampleCpu(sink);
  await sleep(Math.max(0, toMs - systemClock.now()));
  return cpuSince(from, await sampleCpu(sink));
}

export interface CpuSample {
  readonly atMs: number;
  readonly sender: number;
  readonly sink: number;
}

export async function sampleCpu(sink: SinkProcess): Promise<CpuSample> {
  const { user, system } = process.cpuUsage();
  return { atMs: systemClock.now(), sender: (user + system) / 1e6, sink: await sink.cpuSeconds() };
}

export function cpuSince(from: CpuSample, to: CpuSample): CpuWindow {
  return {
    seconds: (to.atMs - from.atMs) / 1000,
    sender: to.sender - from.sender,
    sink: to.sink - from.sink,
  };
}

if (process.argv[2] === 'sink' && process.send !== undefined) await serveSink();
