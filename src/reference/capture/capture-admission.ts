// What capture does with a well-formed request once its token is known, before anything is
// enqueued: PostHog's capture answers it there, not in ingestion.
// - An unknown token. With token enforcement on (`TOKEN_VALIDATION_MODE=enforce`, its known-token
//   projection fresh), capture refuses a well-formed token that no project owns; with enforcement
//   off, in dry_run, or failing open (stale projection, Redis error), it answers 200 and ingestion
//   drops the events later. PostHog's capture (rust/capture/src/known_tokens.rs, api.rs
//   `CaptureError::UnknownToken`) answers 401 with the text below.
// - A project over its billing quota: capture answers 200 `{"status":"Ok"}` and enqueues nothing
//   (rust/capture/src/v0_endpoint.rs: "for v0 we want to just return ok"; quota_limiters.rs).

import { unauthorized, type CaptureRejection } from './capture-rejection.js';

/** `reject`: refuse unknown tokens at capture (enforcement on); `accept`: 200, dropped later. */
export type UnknownTokens = 'reject' | 'accept';
export const UNKNOWN_TOKEN_MODES: readonly UnknownTokens[] = ['reject', 'accept'];

export const isUnknownTokens = (value: unknown): value is UnknownTokens =>
  UNKNOWN_TOKEN_MODES.includes(value as UnknownTokens);

/** PostHog's capture's words for CaptureError::UnknownToken (rust/capture/src/api.rs). */
export const UNKNOWN_TOKEN_MESSAGE =
  'API key does not belong to any project. Check the project API key in your PostHog project settings';

export interface CaptureAdmissionRules {
  readonly unknownTokens: UnknownTokens;
  /** The project a token belongs to; undefined for a token no project owns. */
  projectIdOf(token: string): number | undefined;
  isQuotaLimited(projectId: number): boolean;
}

export type Admission =
  | { readonly kind: 'enqueue' }
  | { readonly kind: 'quota_limited' }
  | { readonly kind: 'refuse'; readonly rejection: CaptureRejection };

const ENQUEUE: Admission = { kind: 'enqueue' };
const QUOTA_LIMITED: Admission = { kind: 'quota_limited' };

/** The token check comes first: a quota belongs to a project, and an unknown token has none. */
export function admitCapture(token: string, rules: CaptureAdmissionRules): Admission {
  const projectId = rules.projectIdOf(token);
  if (projectId === undefined)
    return rules.unknownTokens === 'reject'
      ? { kind: 'refuse', rejection: unauthorized(UNKNOWN_TOKEN_MESSAGE) }
      : ENQUEUE;
  return rules.isQuotaLimited(projectId) ? QUOTA_LIMITED : ENQUEUE;
}
