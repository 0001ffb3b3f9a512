// The only socket code of the reference target: node:http in, HttpRequest to a list of pure
// handlers (the first non-null answer wins, 404 otherwise), HttpResponse out. Bodies are read
// with a hard cap; past it the request gets 413 and the connection is closed without reading on.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debuglog } from 'node:util';
import { IngestbenchError } from '../../errors.js';
import { text, type HttpRequest, type HttpResponse } from '../http-types.js';

const debug = debuglog('ingestbench:server');

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse | null> | HttpResponse | null;

/** PostHog's largest body is 20 MiB on /batch; the slack lets capture answer its own 413 for it. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024 + 1024 * 1024;

export interface HttpListenOptions {
  readonly host: string;
  readonly port: number;
  readonly handlers: readonly HttpHandler[];
  readonly maxBodyBytes?: number;
}

export interface HttpListener {
  readonly server: Server;
  /** Base URL with the real port, e.g. http://127.0.0.1:43121. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenHttp(options: HttpListenOptions): Promise<HttpListener> {
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const handle = dispatch(options.handlers);
  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    readBody(req, res, maxBody, (body) => {
      handle(toHttpRequest(req, body)).then(
        (response) => writeResponse(res, response),
        (error: unknown) => {
          debug('handler failed for %s %s: %o', req.method, req.url, error);
          writeResponse(
            res,
            text(500, 'Internal error in the reference target; see ingestbench:server debug log.'),
          );
        },
      );
    });
  });
  // Load generators keep connections open between bursts; the default 5 s would churn sockets.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new IngestbenchError(
          'USAGE',
          `Cannot listen on ${options.host}:${options.port} (${error.message}); choose another --port or --host.`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${urlHost(options.host)}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A handler chain: each handler in order, the first non-null answer, else 404. */
export function dispatch(handlers: readonly HttpHandler[]): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    for (const handler of handlers) {
      const response = await handler(request);
      if (response !== null) return response;
    }
    return text(404, `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`);
  };
}

/** The host to put in URLs: a wildcard listen address is reached through loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
  done: (body: Buffer) => void,
): void {
  const declared = Number(req.headers['content-length']);
  if (declared > max) {
    tooLarge(req, res, max);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > max) {
      over = true;
      chunks.length = 0;
      tooLarge(req, res, max);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  });
  req.on('error', (error) => debug('request body error: %o', error));
}

function tooLarge(req: IncomingMessage, res: ServerResponse, max: number): void {
  // Answer at once and close: reading the rest of an oversized body is what the cap prevents.
  res.shouldKeepAlive = false;
  writeResponse(res, text(413, `Request body larger than ${max} bytes.`, { connection: 'close' }));
  res.on('finish', () => req.socket.destroy());
}

function toHttpRequest(req: IncomingMessage, body: Buffer): HttpRequest {
  const raw = req.headers;
  // node:http already lower-cases names and joins repeats with ", "; only set-cookie stays an array.
  const headers = (
    Array.isArray(raw['set-cookie']) ? { ...raw, 'set-cookie': raw['set-cookie'].join(', ') } : raw
  ) as Readonly<Record<string, string | undefined>>;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers,
    body,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

function writeResponse(res: ServerResponse, response: HttpResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
