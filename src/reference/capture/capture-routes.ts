// Which paths the capture tier answers and with which rules. PostHog's capture serves the same
// routes with or without a trailing slash; /batch takes 20 MiB, the single-event routes 2 MiB.

const MIB = 1024 * 1024;
export const BATCH_SIZE_LIMIT = 20 * MIB;
export const EVENT_SIZE_LIMIT = 2 * MIB;

export interface CaptureRoute {
  /** The route without its trailing slash, e.g. "/batch". */
  readonly name: string;
  /** Largest body, before and after decompression, in bytes. */
  readonly sizeLimit: number;
  /** `/engage` turns an event without `event` into `$identify`. */
  readonly engage: boolean;
  /** `/test/black_hole` validates like /batch and then discards: a ceiling for load generators. */
  readonly blackHole: boolean;
}

const route = (name: string, sizeLimit: number, engage = false, blackHole = false): CaptureRoute => ({
  name,
  sizeLimit,
  engage,
  blackHole,
});

const ROUTES: ReadonlyMap<string, CaptureRoute> = new Map(
  [
    route('/e', EVENT_SIZE_LIMIT),
    route('/i/v0/e', EVENT_SIZE_LIMIT),
    route('/capture', EVENT_SIZE_LIMIT),
    route('/track', EVENT_SIZE_LIMIT),
    route('/engage', EVENT_SIZE_LIMIT, true),
    route('/batch', BATCH_SIZE_LIMIT),
    route('/test/black_hole', BATCH_SIZE_LIMIT, false, true),
  ].map((r) => [r.name, r]),
);

/** A path with and without its trailing slash, as PostHog's capture serves its routes. */
export const slashOptional = (paths: Iterable<string>): string[] => [...paths].flatMap((p) => [p, `${p}/`]);

/** The capture routes' paths and the health checks', each with and without "/". */
export const CAPTURE_PATHS: readonly string[] = slashOptional(ROUTES.keys());
export const HEALTH_PATHS: readonly string[] = slashOptional(['/_readiness', '/_liveness']);

const withoutTrailingSlash = (path: string): string =>
  path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;

/** The path part of a request URL ("/e/?ip=1" → "/e/"). */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The query string of a request URL, without the "?" ("" when there is none). */
export function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

export function captureRouteOf(path: string): CaptureRoute | null {
  return ROUTES.get(withoutTrailingSlash(path)) ?? null;
}
