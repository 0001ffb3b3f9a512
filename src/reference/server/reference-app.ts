// The reference target's HTTP layer: hono apps on @hono/node-server. Routing is hono's; the
// handlers stay pure (HttpRequest → HttpResponse, see http-types.ts). Two pieces are our own
// because PostHog's behaviour is not hono's: the body cap (past it the request gets 413 at once and
// the connection is closed without reading on, where hono's bodyLimit reads through a web stream
// and keeps the connection) and capture's CORS (capture-cors.ts: the Origin echoed with
// credentials, the requested headers added to the defaults, where hono's cors either lists fixed
// headers or echoes the requested ones). The apps answer `app.request()` without a port.

import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debuglog } from 'node:util';
import { IngestbenchError } from '../../errors.js';
import { text, type HttpRequest, type HttpResponse } from '../http-types.js';

const debug = debuglog('ingestbench:server');

/** PostHog's largest body is 20 MiB on /batch; the slack lets capture answer its own 413 for it. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024 + 1024 * 1024;

/** The bindings @hono/node-server passes; absent under `app.request()`. */
export interface ReferenceEnv {
  Bindings: Partial<HttpBindings>;
  Variables: { request: HttpRequest };
}

export type ReferenceApp = Hono<ReferenceEnv>;

/** A pure handler as a hono handler: the request the body cap read, the answer as a Response. */
export const handle =
  (handler: (request: HttpRequest) => Promise<HttpResponse | null> | HttpResponse | null) =>
  async (c: Context<ReferenceEnv>): Promise<Response> => {
    const response = await handler(c.get('request'));
    return response === null ? c.notFound() : toResponse(response);
  };

/**
 * A hono app whose every request is read with the body cap first (c.get('request')); a throwing
 * handler is a 500, and `notFound` answers paths no route takes.
 */
export function createApp(options: {
  readonly maxBodyBytes?: number | undefined;
  readonly notFound: (request: HttpRequest) => HttpResponse;
}): ReferenceApp {
  // Routes match the path as sent (the one handlers see), not hono's percent-decoded one: /b%61tch
  // is no capture route, as in PostHog's capture.
  const app = new Hono<ReferenceEnv>({
    getPath: (request, options) => {
      const url = options?.env?.incoming?.url ?? pathAndQuery(request.url);
      const q = url.indexOf('?');
      return q === -1 ? url : url.slice(0, q);
    },
  });
  app.use(readRequest(options.maxBodyBytes ?? MAX_BODY_BYTES));
  app.notFound((c) => toResponse(options.notFound(c.get('request'))));
  app.onError((error, c) => {
    debug('handler failed for %s %s: %o', c.req.method, c.req.path, error);
    return toResponse(text(500, 'Internal error in the reference target; see ingestbench:server debug log.'));
  });
  return app;
}

/** The answer for a path no route takes, without the query string (it may hold a token). */
export const noRoute = (request: HttpRequest): HttpResponse =>
  text(404, `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`);

export function toResponse(response: HttpResponse): Response {
  const empty = response.body.length === 0;
  return new Response(empty ? null : response.body, { status: response.status, headers: response.headers });
}

function readRequest(max: number): MiddlewareHandler<ReferenceEnv> {
  return async (c, next) => {
    const incoming = bindingsOf(c).incoming;
    const headers = incoming === undefined ? Object.fromEntries(c.req.raw.headers) : headersOf(incoming);
    if (Number(headers['content-length']) > max) return tooLarge(c, max);
    const body =
      incoming === undefined ? await readFetchBody(c.req.raw, max) : await readIncoming(incoming, max);
    if (body === null) return tooLarge(c, max);
    c.set('request', {
      method: c.req.method,
      url: incoming?.url ?? pathAndQuery(c.req.url),
      headers,
      body,
      remoteAddress: incoming?.socket.remoteAddress ?? '',
    });
    await next();
  };
}

/** `app.request()` without an env leaves c.env undefined. */
function bindingsOf(c: Context<ReferenceEnv>): Partial<HttpBindings> {
  const env: Partial<HttpBindings> | undefined = c.env;
  return env ?? {};
}

function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function tooLarge(c: Context<ReferenceEnv>, max: number): Response {
  // Answer at once and close: reading the rest of an oversized body is what the cap prevents.
  const outgoing = bindingsOf(c).outgoing;
  if (outgoing !== undefined) {
    outgoing.shouldKeepAlive = false;
    outgoing.on('finish', () => outgoing.socket?.destroy());
  }
  return toResponse(text(413, `Request body larger than ${max} bytes.`, { connection: 'close' }));
}

/** The body of a node request, or null as soon as it passes `max` bytes. */
function readIncoming(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.on('error', (error) => debug('request body error: %o', error));
  });
}

/** The same for a fetch Request (`app.request()`, where no socket is held open by reading it). */
async function readFetchBody(req: Request, max: number): Promise<Buffer | null> {
  const body = Buffer.from(await req.arrayBuffer());
  return body.length > max ? null : body;
}

function headersOf(req: IncomingMessage): HttpRequest['headers'] {
  const raw = req.headers;
  // node:http already lower-cases names and joins repeats with ", "; only set-cookie stays an array.
  return (
    Array.isArray(raw['set-cookie']) ? { ...raw, 'set-cookie': raw['set-cookie'].join(', ') } : raw
  ) as HttpRequest['headers'];
}

export interface HttpListener {
  readonly server: Server;
  /** Base URL with the real port, e.g. http://127.0.0.1:43121. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenHttp(options: {
  readonly host: string;
  readonly port: number;
  readonly app: ReferenceApp;
}): Promise<HttpListener> {
  const server = createAdaptorServer({
    fetch: (request, env) => options.app.fetch(request, env),
    serverOptions: { keepAlive: true, noDelay: true },
  }) as Server;
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

/** The host to put in URLs: a wildcard listen address is reached through loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
