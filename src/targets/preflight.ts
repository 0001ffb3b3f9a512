// Before any load is sent: is the capture API there, and does it accept our token's shape?
// An empty batch is the cheapest request PostHog's capture answers without storing anything:
// 400 (empty batch) means reachable and the token well-formed, 401 means the token is refused.

import { request } from 'undici';
import { IngestbenchError } from '../errors.js';

export async function checkCaptureReachable(
  captureUrl: string,
  token: string,
  signal?: AbortSignal,
): Promise<void> {
  const url = `${captureUrl}/batch/`;
  let status: number;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: token, batch: [] }),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
      ...(signal ? { signal } : {}),
    });
    status = response.statusCode;
    await response.body.dump();
  } catch (error) {
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
      `capture API at ${url} refused the project token (HTTP ${status}); check POSTHOG_PROJECT_API_KEY`,
    );
  }
  if (status >= 500 || status === 404 || status === 405) {
    throw new IngestbenchError(
      'TARGET_REFUSED',
      `capture API at ${url} answered HTTP ${status} to a preflight request; is this a PostHog capture endpoint?`,
    );
  }
}
