// The default target: the reference pipeline, started for the run in a child process on a free
// loopback port with throwaway data, and spoken to over HTTP exactly like a real PostHog.

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { systemClock } from '../clock.js';
import { IngestbenchError } from '../errors.js';
import type { QueryLimitOverrides, QueryLimitsName } from '../reference/query/query-limits.js';
import type { UnknownTokens } from '../reference/capture/capture-admission.js';
import type { ReferenceTargetOptions } from '../reference/start-reference-target.js';
import type { EmbeddedTargetMessage } from './embedded-target-process.js';
import { pinProcess } from './pin-process.js';
import { PROBE_EVENT } from './probe-event.js';
import type { Target } from './target.js';

export const EMBEDDED_TOKEN = 'phc_ingestbench';
export const EMBEDDED_PERSONAL_KEY = 'phx_ingestbench';
const START_TIMEOUT_MS = 30_000;

export interface EmbeddedTargetOptions {
  /** Fault spec, as `serve --fault`. */
  fault?: string;
  /** CPUs to pin the target's processes to (taskset list syntax, e.g. "1"). */
  cpus?: string;
  /**
   * The query API's limits, as `serve --query-limits`. Default `self-hosted`: what a run plans for
   * this loopback host (scenario/deployment-limits.ts), so the target is never kinder than it.
   */
  queryLimits?: QueryLimitsName;
  /** As `serve --unknown-tokens` (default reject: capture refuses a token of no project). */
  unknownTokens?: UnknownTokens;
  /** As `serve --person-processing-opt-out`: the embedded project is 1. */
  personProcessingOptOut?: readonly number[];
  queryLimitOverrides?: QueryLimitOverrides;
}

export async function startEmbeddedTarget(options: EmbeddedTargetOptions = {}): Promise<Target> {
  const child = fork(new URL('./embedded-target-process.js', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const exited = once(child, 'exit');
  if (options.cpus !== undefined) {
    // Before the target starts its ingestion child and threads, so they inherit the pinning.
    try {
      await pinProcess(child.pid!, options.cpus);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw error;
    }
  }
  const settings: ReferenceTargetOptions = {
    host: '127.0.0.1',
    port: 0,
    memory: true,
    tokens: [EMBEDDED_TOKEN],
    personalKey: EMBEDDED_PERSONAL_KEY,
    firstProjectId: 1,
    // created_at on the harness's time base: created − intended is then free of clock skew.
    clockAnchor: systemClock.anchor,
    ...(options.fault !== undefined ? { fault: options.fault } : {}),
    // The faults spare the preflight's probe: the counters count the run's events only.
    spareFromFaults: [PROBE_EVENT],
    queryLimits: options.queryLimits ?? 'self-hosted',
    ...(options.queryLimitOverrides !== undefined
      ? { queryLimitOverrides: options.queryLimitOverrides }
      : {}),
    ...(options.unknownTokens !== undefined ? { unknownTokens: options.unknownTokens } : {}),
    ...(options.personProcessingOptOut !== undefined
      ? { personProcessingOptOut: options.personProcessingOptOut }
      : {}),
  };
  child.send(settings);
  const message = await new Promise<EmbeddedTargetMessage>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.once('message', (m: EmbeddedTargetMessage) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new IngestbenchError('INTERNAL', `the embedded target did not start: ${(error as Error).message}`, {
      cause: error,
    });
  });
  if (message.type === 'failed') {
    await exited;
    // A bad --fault spec is the user's mistake, not ours.
    throw new IngestbenchError(
      message.code === 'USAGE' ? 'USAGE' : 'INTERNAL',
      `embedded target: ${message.message}`,
    );
  }
  const { captureUrl, queryUrl, metricsUrl } = message;
  let stopped: Promise<void> | null = null;
  return {
    kind: 'embedded',
    captureUrl,
    queryUrl,
    metricsUrl,
    projectId: '1',
    token: EMBEDDED_TOKEN,
    personalKey: EMBEDDED_PERSONAL_KEY,
    describe: () => ({ kind: 'embedded', captureUrl, queryUrl, projectId: '1' }),
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.connected) child.send('stop');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      })()),
  };
}
