// GET /metrics (Prometheus text) and GET /healthz for `monitor --listen` and `run
// --metrics-listen`: node:http on the address given, nothing else served. /healthz answers 200
// while the process runs, so a Kubernetes liveness probe restarts a hung monitor, not a failing
// target (the SLA is the metrics' job, not the probe's).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IngestbenchError } from '../errors.js';
import type { IngestionMetrics } from './ingestion-metrics.js';

export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 (the port the system gave for port 0). */
  readonly url: string;
  close(): Promise<void>;
}

/** "host:port" → its parts; the flag's value, so a mistake is a USAGE error naming it. */
export function parseListen(value: string, flag: string): { host: string; port: number } {
  const colon = value.lastIndexOf(':');
  const host = colon > 0 ? value.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : '';
  const portText = value.slice(colon + 1);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (host === '' || !(port >= 0 && port <= 65_535)) {
    throw new IngestbenchError(
      'USAGE',
      `${flag} ${value} is not host:port (e.g. 127.0.0.1:9464, or 0.0.0.0:9464 to be scraped from other machines; port 0 picks a free one)`,
    );
  }
  return { host, port };
}

export async function startMetricsServer(
  metrics: Pick<IngestionMetrics, 'render'>,
  listen: { host: string; port: number },
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      metrics.render().then(
        (text) => res.writeHead(200, { 'content-type': PROMETHEUS_TEXT }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('see /metrics and /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new IngestbenchError(
          'USAGE',
          `cannot listen on ${listen.host}:${listen.port} for metrics (${(error as NodeJS.ErrnoException).code ?? String(error)}); choose another address`,
          { cause: error },
        ),
      ),
    );
    server.listen(listen.port, listen.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
