// GET /metrics: the reference target's Prometheus text exposition.

import type { HttpRequest, HttpResponse } from '../http-types.js';
import type { ReferenceMetrics } from './reference-metrics.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function createMetricsHandler(
  metrics: ReferenceMetrics,
): (request: HttpRequest) => Promise<HttpResponse | null> {
  return async (request) => {
    if (request.method !== 'GET' || (request.url.split('?')[0] ?? '') !== '/metrics') return null;
    return {
      status: 200,
      headers: { 'content-type': PROMETHEUS_CONTENT_TYPE },
      body: await metrics.render(),
    };
  };
}
