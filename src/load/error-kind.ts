// The kind a failed request is counted under in the report: `http_<status>` for answers, the
// system or undici error code for everything else, folded so that one cause has one name.

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
// undici reports a peer that closed mid-request as UND_ERR_SOCKET ("other side closed"): for the
// reader that is a reset connection, whatever layer noticed it.
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

export function httpErrorKind(status: number): string {
  return `http_${status}`;
}

export function errorKind(error: unknown): string {
  const code = codeOf(error);
  if (code === undefined) return 'network_error';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (RESET_CODES.has(code)) return 'ECONNRESET';
  return code;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Connection errors can arrive wrapped (AggregateError of each address tried, or a cause).
  const inner = (error as { errors?: unknown; cause?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return codeOf(inner[0]);
  return codeOf((error as { cause?: unknown }).cause);
}
