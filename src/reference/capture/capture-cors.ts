// CORS for the capture routes, so posthog-js in a browser page on another origin can post to the
// reference target: the Origin is echoed (credentials allowed), or * when there is none, and a
// preflight grants the methods and headers SDKs send (content-type, content-encoding, …).

import type { HttpRequest } from '../http-types.js';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const DEFAULT_ALLOWED_HEADERS = ['content-type', 'content-encoding', 'x-requested-with', 'authorization'];
const PREFLIGHT_MAX_AGE_SECONDS = '3600';

/** Headers every capture response carries. */
export function corsHeaders(req: HttpRequest): Record<string, string> {
  const origin = req.headers['origin'];
  return {
    'access-control-allow-origin': origin === undefined || origin === '' ? '*' : origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
}

/** Headers of the answer to an OPTIONS preflight: the defaults plus whatever the browser asks for. */
export function preflightHeaders(req: HttpRequest): Record<string, string> {
  const requested = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  return {
    ...corsHeaders(req),
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-allow-headers': [...new Set([...DEFAULT_ALLOWED_HEADERS, ...requested])].join(', '),
    'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}
