// The reference target's handlers are pure (request) → response functions; server/reference-app.ts
// (hono) is the only place that touches sockets. These are the two shapes that cross that line.

export interface HttpRequest {
  readonly method: string;
  /** Path with query string, as received: "/e/?compression=gzip-js&ip=1". */
  readonly url: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  /** Peer address, for the `ip` field and loopback-only routes. */
  readonly remoteAddress: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

export const text = (
  status: number,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body: message,
});
