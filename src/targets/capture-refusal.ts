// A capture 401 or 403 to a request whose token had the right shape, as the user can act on it.
// PostHog's capture with token enforcement on refuses a well-formed token that no project owns:
// 401 "API key does not belong to any project. …" (rust/capture/src/api.rs UnknownToken,
// known_tokens.rs); deployments in front of capture may answer 403 with the code
// `ingest_key_unknown`. Either way the token is wrong for this deployment: a typo, a rotated
// token, or a project of another region or instance. Any other 401/403 is a token capture
// refused for another reason, shown as capture gave it.

import { IngestbenchError } from '../errors.js';
import type { TargetSettingNames } from './target.js';

/** Longest piece of capture's answer quoted in a message. */
const MAX_DETAIL = 300;

export type CaptureRefusalNames = Pick<TargetSettingNames, 'token' | 'captureHost'>;

/** Does capture's answer say the token names no project (as opposed to missing or malformed)? */
export function isUnknownTokenAnswer(body: string): boolean {
  return /does not belong to any project|ingest_key_unknown/i.test(body);
}

/** Capture's answer, cut short and with the token replaced: tokens never reach messages. */
export function captureDetail(body: string, token: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  const redacted = token === '' ? flat : flat.split(token).join('<token>');
  return redacted.length > MAX_DETAIL ? `${redacted.slice(0, MAX_DETAIL)}…` : redacted;
}

export function captureRefusal(
  url: string,
  status: number,
  body: string,
  token: string,
  names: CaptureRefusalNames,
): IngestbenchError {
  const detail = captureDetail(body, token);
  const answer = `HTTP ${status}${detail === '' ? '' : `: "${detail}"`}`;
  if (isUnknownTokenAnswer(body)) {
    return new IngestbenchError(
      'TARGET_AUTH',
      `capture API at ${url} does not know the project token (${answer}), so no load was sent. ` +
        `The token is well-formed but no project on this deployment owns it: check ${names.token} ` +
        `(Project settings → Project token: a typo or a rotated token?) and that ${names.captureHost} is the ` +
        "capture host of that project's region or instance (PostHog Cloud: https://us.i.posthog.com or https://eu.i.posthog.com).",
    );
  }
  return new IngestbenchError(
    'TARGET_AUTH',
    `capture API at ${url} refused the project token (${answer}), so no load was sent: check ${names.token} ` +
      '(the project token phc_…, not a personal API key)',
  );
}
