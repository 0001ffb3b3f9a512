// Which handler answers which path: the capture port (capture and health, the query API, /metrics,
// what posthog-js asks besides capture; anything else is capture's CORS-carrying 404) and the
// loopback-only admin port. PostHog serves these with or without a trailing slash; /metrics is ours
// and exact.

import { CAPTURE_PATHS } from '../capture/capture-routes.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';
import { createApp, handle, noRoute, type ReferenceApp } from './reference-app.js';

type Handler = (request: HttpRequest) => Promise<HttpResponse | null> | HttpResponse | null;

const slashOptional = (paths: readonly string[]): string[] => paths.flatMap((p) => [p, `${p}/`]);

/** Every method on each of `paths` goes to `handler` (it answers 405 itself, as PostHog does). */
function route(app: ReferenceApp, paths: readonly string[], handler: Handler): void {
  const answer = handle(handler);
  for (const path of paths) app.all(path, answer);
}

export interface CaptureAppHandlers {
  /** Capture routes and health checks. */
  readonly capture: Handler;
  /** POST /api/projects/:id/query/ (and /api/environments/:id/query/). */
  readonly query: Handler;
  /** GET /metrics. */
  readonly metrics: Handler;
  /** /flags/, /decide/ and the remote config at /array/:token/config(.js). */
  readonly flags: Handler;
  /** Any other path (capture's 404 with CORS). */
  readonly notFound: (request: HttpRequest) => HttpResponse;
  readonly maxBodyBytes?: number | undefined;
}

export function createCaptureApp(handlers: CaptureAppHandlers): ReferenceApp {
  const app = createApp({ notFound: handlers.notFound, maxBodyBytes: handlers.maxBodyBytes });
  route(app, CAPTURE_PATHS, handlers.capture);
  route(
    app,
    slashOptional(['/api/projects/:project/query', '/api/environments/:project/query']),
    handlers.query,
  );
  route(app, ['/metrics'], handlers.metrics);
  route(
    app,
    slashOptional(['/flags', '/decide', '/array/:token/config', '/array/:token/config.js']),
    handlers.flags,
  );
  return app;
}

/** The admin port: GET/POST /admin/faults (the handler refuses peers other than loopback). */
export function createAdminApp(admin: Handler): ReferenceApp {
  const app = createApp({ notFound: noRoute });
  route(app, slashOptional(['/admin/faults']), admin);
  return app;
}
