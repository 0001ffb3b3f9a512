// The admin endpoint changes what the target does to data, so it answers loopback peers only,
// whatever interface the target listens on. A pure check, tested without sockets.

import { json, type HttpRequest, type HttpResponse } from '../http-types.js';

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** The 403 answer for a request that must come from loopback, or null when it does. */
export function refuseNonLoopback(request: HttpRequest): HttpResponse | null {
  if (isLoopbackAddress(request.remoteAddress)) return null;
  return json(403, {
    type: 'authentication_error',
    code: 'permission_denied',
    detail: 'The admin endpoint answers loopback (127.0.0.1, ::1) peers only.',
  });
}
