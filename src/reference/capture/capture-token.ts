// The project token of a capture request. Where it may be: the batch's `api_key`/`token`, else
// each event's `token`/`$token`/`api_key`, else the event's `properties.token`. Every token present
// must be the same one (PostHog answers 401 "inconsistent api_key values" for events that carry
// different tokens; it lets a batch-level token win silently, but DESIGN.md asks that all agree).
// Shape rules follow PostHog's validate_token: surrounding whitespace is trimmed, then the token
// must be non-empty, at most 64 chars, ASCII, free of NUL and not a personal key (phx_).
// Messages never repeat a token: tokens are secrets and messages reach logs.

import { unauthorized, badRequest, type CaptureRejection } from './capture-rejection.js';

const EVENT_TOKEN_FIELDS = ['token', '$token', 'api_key'] as const;
const MAX_TOKEN_LENGTH = 64;

export type TokenLookup = { readonly ok: true; readonly token: string | null } | CaptureRejection;
export type ResolvedToken = { readonly ok: true; readonly token: string } | CaptureRejection;

/**
 * The token one event carries (null when none). A non-string in a token field is malformed
 * (400); two different tokens in one event are inconsistent (401).
 */
export function eventTokenOf(event: Readonly<Record<string, unknown>>, index: number): TokenLookup {
  let found: string | null = null;
  for (const field of EVENT_TOKEN_FIELDS) {
    const value = event[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return badRequest(`event ${index}: \`${field}\` must be a string`);
    const token = value.trim();
    if (found !== null && found !== token) {
      return unauthorized(
        `event ${index} carries different tokens in token/$token/api_key: send one project token`,
      );
    }
    found = token;
  }
  if (found !== null) return { ok: true, token: found };
  const properties = event['properties'];
  if (typeof properties === 'object' && properties !== null) {
    const token = (properties as Record<string, unknown>)['token'];
    if (typeof token === 'string') return { ok: true, token: token.trim() };
  }
  return { ok: true, token: null };
}

/** The one token of the request from every token found, checked for agreement and shape. */
export function resolveToken(tokens: readonly (string | null)[]): ResolvedToken {
  let token: string | null = null;
  for (const candidate of tokens) {
    if (candidate === null) continue;
    if (token !== null && candidate !== token) {
      return unauthorized(
        'batch submitted with inconsistent api_key values: send one project token per request',
      );
    }
    token = candidate;
  }
  if (token === null) {
    return unauthorized(
      'event submitted without an api_key: set `api_key` on the batch or `token` on each event',
    );
  }
  const problem = tokenShapeProblem(token);
  return problem === null ? { ok: true, token } : unauthorized(`API key is not valid: ${problem}`);
}

// PostHog's reason names (empty, too_long, …) come first: they are what its logs and docs say.
const TOKEN_PROBLEMS: readonly [test: (token: string) => boolean, problem: string][] = [
  [(t) => t === '', 'empty: send the project token (phc_…)'],
  [
    (t) => t.length > MAX_TOKEN_LENGTH,
    `too_long: a project token has at most ${MAX_TOKEN_LENGTH} characters`,
  ],
  // eslint-disable-next-line no-control-regex
  [(t) => /[^\x00-\x7f]/.test(t), 'not_ascii: a project token is ASCII'],
  [
    (t) => t.startsWith('phx_'),
    'personal_api_key: capture takes the project token (phc_…), not a personal key',
  ],
  [(t) => t.includes('\0'), 'null_byte: the token contains a NUL character'],
];

/** Why a (trimmed) token is malformed, or null when its shape is acceptable. */
export function tokenShapeProblem(token: string): string | null {
  return TOKEN_PROBLEMS.find(([test]) => test(token))?.[1] ?? null;
}
