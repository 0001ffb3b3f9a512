// The default target: the reference pipeline, started inside the run on a free loopback port
// with throwaway data, and spoken to over HTTP exactly like a real PostHog.

import { startReferenceTarget } from '../reference/start-reference-target.js';
import type { Target } from './target.js';

export const EMBEDDED_TOKEN = 'phc_ingestbench';
export const EMBEDDED_PERSONAL_KEY = 'phx_ingestbench';

export async function startEmbeddedTarget(options: { fault?: string } = {}): Promise<Target> {
  const reference = await startReferenceTarget({
    host: '127.0.0.1',
    port: 0,
    memory: true,
    tokens: [EMBEDDED_TOKEN],
    personalKey: EMBEDDED_PERSONAL_KEY,
    firstProjectId: 1,
    ...(options.fault !== undefined ? { fault: options.fault } : {}),
  });
  const describe = () => ({
    kind: 'embedded',
    captureUrl: reference.captureUrl,
    queryUrl: reference.queryUrl,
    projectId: '1',
  });
  return {
    kind: 'embedded',
    captureUrl: reference.captureUrl,
    queryUrl: reference.queryUrl,
    metricsUrl: reference.metricsUrl,
    projectId: '1',
    token: EMBEDDED_TOKEN,
    personalKey: EMBEDDED_PERSONAL_KEY,
    describe,
    stop: () => reference.stop(),
  };
}
