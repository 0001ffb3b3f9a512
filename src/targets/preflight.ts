// Before any load is sent: is the capture API there, and does it accept our token's shape?
// An empty batch is the cheapest request PostHog's capture answers without storing anything:
// 400 (empty batch) means reachable, 401 means the token's shape is refused. It proves nothing
// more: capture looks up whether a project owns the token (when it does at all) only for a
// request with events, and even then may accept any token. probe-preflight.ts proves it.

import { request } from 'undici';
import { IngestbenchError } from '../errors.js';
import type { TargetSettingNames } from './target.js';

/** Capture's answer: its status and the start of its body (for refusals, which explain themselves). */
export interface CaptureAnswer {
  readonly status: number;
  readonly body: string;
}

/** Of capture's answer, this much is read: enough for any error PostHog's capture gives. */
const MAX_ANSWER_BYTES = 4096;

/** POSTs a JSON body to capture's /batch/; network errors are thrown as they are. */
export async function postCaptureBatch(
  captureUrl: string,
  body: string,
  signal?: AbortSignal,
): Promise<CaptureAnswer> {
  const response = await request(`${captureUrl}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    ...(signal ? { signal } : {}),
  });
  if (response.statusCode < 400) {
    await response.body.dump();
    return { status: response.statusCode, body: '' };
  }
  const text = (await response.body.text()).slice(0, MAX_ANSWER_BYTES);
  return { status: response.statusCode, body: text };
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
    ({ status } = await postCaptureBatch(captureUrl, JSON.stringify({ api_key: token, batch: [] }), signal));
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
