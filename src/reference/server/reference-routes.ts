// Which handler answers which path: the capture port (capture and health, the query API, /metrics,
// what posthog-js asks besides capture; anything else is capture's CORS-carrying 404) and the
// loopback-only admin port. The route table alone decides: a handler is given its own paths only.
// PostHog serves these with or without a trailing slash; /metrics is ours and exact.

import type { MiddlewareHandler } from 'hono';
import { CAPTURE_PATHS, HEALTH_PATHS, slashOptional } from '../capture/capture-routes.js';
import { corsHeaders, preflightHeaders } from '../capture/capture-cors.js';
import { captureHealth, captureNotFound } from '../capture/capture-handler.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';
import { refuseNonLoopback } from './loopback-only.js';
import {
  createApp,
  handle,
  noRoute,
  toResponse,
  type ReferenceApp,
  type ReferenceEnv,
} from './reference-app.js';

type Handler = (request: HttpRequest) => Promise<HttpResponse | null> | HttpResponse | null;

const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Every method on each of `paths` goes to `handler` (it answers 405 itself, as PostHog does). */
function route(
  app: ReferenceApp,
  paths: readonly string[],
  handler: Handler,
  ...middleware: MiddlewareHandler<ReferenceEnv>[]
): void {
  const answer = handle(handler);
  for (const path of paths) {
    for (const m of middleware) app.use(path, m);
    app.all(path, answer);
  }
}

/**
 * Capture's CORS on every answer of a route (a throwing handler's 500 aside) and a preflight
 * granted before the handler runs: without them a browser SDK sees a network error (status 0)
 * instead of the 400, 429 or 503, and retries it differently.
 */
const captureCors: MiddlewareHandler<ReferenceEnv> = async (c, next) => {
  const request = c.get('request');
  if (request.method === 'OPTIONS')
    return toResponse({ status: 204, headers: preflightHeaders(request), body: '' });
  await next();
  if (c.error !== undefined) return;
  for (const [name, value] of Object.entries(corsHeaders(request))) c.res.headers.set(name, value);
};

/** The admin endpoint changes what the target does to data: loopback peers only. */
const loopbackOnly: MiddlewareHandler<ReferenceEnv> = async (c, next) => {
  const refused = refuseNonLoopback(c.get('request'));
  if (refused !== null) return toResponse(refused);
  await next();
};

export interface CaptureAppHandlers {
  /** The capture routes (/batch/, /e/, …). */
  readonly capture: Handler;
  /** Called with the status of each answer on a capture route, preflights included. */
  readonly captureAnswered?: (status: number) => void;
  /** POST /api/projects/:id/query/ (and /api/environments/:id/query/). */
  readonly query: Handler;
  /** GET /metrics: the Prometheus text. */
  readonly metrics: () => Promise<string>;
  /** /flags/, /decide/ and the remote config at /array/:token/config(.js). */
  readonly flags: Handler;
  readonly maxBodyBytes?: number | undefined;
}

export function createCaptureApp(handlers: CaptureAppHandlers): ReferenceApp {
  const app = createApp({ notFound: captureNotFound, maxBodyBytes: handlers.maxBodyBytes });
  const counted: MiddlewareHandler<ReferenceEnv> = async (c, next) => {
    await next();
    if (c.error === undefined) handlers.captureAnswered?.(c.res.status);
  };
  route(app, CAPTURE_PATHS, handlers.capture, counted, captureCors);
  route(app, HEALTH_PATHS, captureHealth);
  route(
    app,
    slashOptional(['/api/projects/:project/query', '/api/environments/:project/query']),
    handlers.query,
  );
  // GET only: HEAD and the rest are the 404 of a path no route takes.
  route(app, ['/metrics'], async (request) =>
    request.method !== 'GET'
      ? null
      : { status: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE }, body: await handlers.metrics() },
  );
  route(
    app,
    slashOptional(['/flags', '/decide', '/array/:token/config', '/array/:token/config.js']),
    handlers.flags,
    captureCors,
  );
  return app;
}

/** The admin port: GET/POST /admin/faults, for loopback peers only. */
export function createAdminApp(admin: Handler): ReferenceApp {
  const app = createApp({ notFound: noRoute });
  route(app, slashOptional(['/admin/faults']), admin, loopbackOnly);
  return app;
}
