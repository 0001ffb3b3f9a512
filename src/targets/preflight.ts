// Before any load is sent: is the capture API there, and does it accept our token's shape?
// An empty batch is the cheapest request PostHog's capture answers without storing anything:
// 400 (empty batch) means reachable and the token well-formed, 401 means the token is refused.
// It proves nothing more (capture checks a token's shape only): probe-preflight.ts does.

import { request } from 'undici';
import { IngestbenchError } from '../errors.js';
import type { TargetSettingNames } from './target.js';

/** POSTs a JSON body to capture's /batch/ and returns the status; network errors are thrown as they are. */
export async function postCaptureBatch(
  captureUrl: string,
  body: string,
  signal?: AbortSignal,
): Promise<number> {
  const response = await request(`${captureUrl}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    ...(signal ? { signal } : {}),
  });
  await response.body.dump();
  return response.statusCode;
}

export async function checkCaptureReachable(
  captureUrl: string,
  token: string,
  signal?: AbortSignal,
  names: Pick<TargetSettingNames, 'token'> = { token: 'POSTHOG_PROJECT_API_KEY' },
): Promise<void> {
  const url = `${captureUrl}/batch/`;
  let status: number;
  try {
    status = await postCaptureBatch(captureUrl, JSON.stringify({ api_key: token, batch: [] }), signal);
  } catch (error) {
    // An interrupt is not an unreachable target: the caller says what it is.
    if (signal?.aborted) throw signal.reason;
    const code =
      (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new IngestbenchError(
      'TARGET_UNREACHABLE',
      `capture API at ${url} is unreachable (${code}); is the target running?`,
      {
        cause: error,
      },
    );
  }
  if (status === 401 || status === 403) {
    throw new IngestbenchError(
      'TARGET_AUTH',
      `capture API at ${url} refused the project token (HTTP ${status}); check ${names.token}`,
    );
  }
  if (status >= 500 || status === 404 || status === 405) {
    throw new IngestbenchError(
      'TARGET_REFUSED',
      `capture API at ${url} answered HTTP ${status} to a preflight request; is this a PostHog capture endpoint?`,
    );
  }
}
