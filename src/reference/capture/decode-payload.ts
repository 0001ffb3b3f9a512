// From raw request bytes to the JSON text of a capture payload, the way PostHog's capture peels
// the layers SDKs wrap around it: GET `?data=`, a body that is wholly base64, a urlencoded form
// (`data`, `compression`), gzip (recognised by its magic bytes 1f 8b 08, whatever the hints say),
// lz-string base64 (`?compression=lz64` or the form field), `?compression=base64`, and a base64
// layer left after those. Size limits apply to the raw bytes and again to the decompressed text,
// so a small gzip bomb is refused too. Bytes are never copied on the plain-JSON path.

import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import LZString from 'lz-string';
import type { HttpRequest } from '../http-types.js';
import { badRequest, tooLarge, type CaptureRejection } from './capture-rejection.js';

export type Compression = 'gzip' | 'lz64' | 'base64';

export interface PayloadSource {
  readonly body: Buffer;
  /** `?data=` of a GET (or POST) request, already percent-decoded; null when absent. */
  readonly queryData: string | null;
  readonly queryCompression: string | null;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly sizeLimit: number;
}

/** Where a request's payload can be: its body, `?data=`, and the hints that say how it is wrapped. */
export function payloadSourceOf(req: HttpRequest, query: URLSearchParams, sizeLimit: number): PayloadSource {
  return {
    body: req.body,
    queryData: query.get('data'),
    queryCompression: query.get('compression'),
    contentType: req.headers['content-type'],
    contentEncoding: req.headers['content-encoding'],
    sizeLimit,
  };
}

export type DecodedPayload = { readonly ok: true; readonly text: string } | CaptureRejection;

const FORM_MIME_TYPE = 'application/x-www-form-urlencoded';
// How far into a payload the cheap shape checks look, as PostHog does (its MAX_CHARS_TO_CHECK).
const PREFIX_TO_CHECK = 128;
const FORM_KEYS = ['data=', '_=', 'ip=', 'compression='];

export function compressionOf(hint: string | null | undefined): Compression | null {
  switch (hint?.trim().toLowerCase()) {
    case 'gzip':
    case 'gzip-js':
      return 'gzip';
    case 'lz64':
    case 'lz-string':
      return 'lz64';
    case 'base64':
    case 'b64':
      return 'base64';
    default:
      return null;
  }
}

const isBase64Byte = (b: number): boolean =>
  (b >= 0x41 && b <= 0x5a) ||
  (b >= 0x61 && b <= 0x7a) ||
  (b >= 0x30 && b <= 0x39) ||
  b === 0x2b ||
  b === 0x2f;

/** Cheap test, like PostHog's: base64 alphabet in the first bytes and a length divisible by 4. */
function looksBase64(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes.length % 4 !== 0) return false;
  const n = Math.min(bytes.length, PREFIX_TO_CHECK);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (!isBase64Byte(b) && b !== 0x3d) return false;
  }
  return true;
}

/** Standard base64 with padding, every byte checked; null when any byte is out of place. */
function decodeBase64Strict(bytes: Buffer): Buffer | null {
  const len = bytes.length;
  if (len % 4 !== 0) return null;
  let padding = 0;
  if (len > 0 && bytes[len - 1] === 0x3d) padding = bytes[len - 2] === 0x3d ? 2 : 1;
  for (let i = 0; i < len - padding; i++) if (!isBase64Byte(bytes[i] ?? 0)) return null;
  return Buffer.from(bytes.toString('latin1'), 'base64');
}

function isLikelyForm(bytes: Buffer): boolean {
  const prefix = bytes.subarray(0, PREFIX_TO_CHECK).toString('latin1');
  return FORM_KEYS.some((key) => prefix.startsWith(key) || prefix.includes(`&${key}`));
}

// Percent-decoding turns the '+' of base64 into ' '; when the text is otherwise base64, put them back.
function restorePlusSigns(data: string): string {
  if (!data.includes(' ')) return data;
  return /^[A-Za-z0-9+/= ]*$/.test(data) ? data.replaceAll(' ', '+') : data;
}

function gunzip(bytes: Buffer, sizeLimit: number): Buffer | CaptureRejection {
  try {
    return gunzipSync(bytes, { maxOutputLength: sizeLimit });
  } catch (error: unknown) {
    if (error instanceof RangeError) {
      return tooLarge(`decompressed payload exceeds ${sizeLimit} bytes: send smaller batches`);
    }
    return badRequest('invalid gzip data: the body starts like gzip but does not decompress');
  }
}

function utf8Text(bytes: Buffer, sizeLimit: number, what: string): DecodedPayload {
  if (bytes.length > sizeLimit) return tooLarge(`${what} exceeds ${sizeLimit} bytes: send smaller batches`);
  if (!isUtf8(bytes)) return badRequest(`invalid UTF-8 in ${what}`);
  return { ok: true, text: bytes.toString('utf8') };
}

export function decodePayload(source: PayloadSource): DecodedPayload {
  const { sizeLimit } = source;
  let bytes: Buffer =
    source.queryData !== null && source.queryData !== ''
      ? Buffer.from(restorePlusSigns(source.queryData), 'utf8')
      : source.body;
  if (bytes.length === 0) return badRequest('empty payload: send events in the body or in ?data=');
  if (bytes.length > sizeLimit) {
    return tooLarge(`request body exceeds ${sizeLimit} bytes: send smaller batches`);
  }

  // A body that is wholly base64 (old SDKs) is unwrapped first; a failed decode keeps the bytes.
  // Not when the request says the layer is lz64 or base64: lz-string's output is base64 text too.
  const hint = compressionOf(source.queryCompression) ?? compressionOf(source.contentEncoding);
  if (hint !== 'lz64' && hint !== 'base64' && !isLikelyForm(bytes) && looksBase64(bytes)) {
    bytes = decodeBase64Strict(bytes) ?? bytes;
  }

  let formCompression: string | null = null;
  if (source.contentType?.toLowerCase().startsWith(FORM_MIME_TYPE)) {
    if (!isLikelyForm(bytes)) return badRequest('expected urlencoded form data (data=…) in the request body');
    const form = new URLSearchParams(bytes.toString('utf8'));
    formCompression = form.get('compression');
    const data = form.get('data');
    if (data !== null) bytes = Buffer.from(restorePlusSigns(data), 'utf8');
  }

  const compression =
    compressionOf(source.queryCompression) ??
    compressionOf(formCompression) ??
    compressionOf(source.contentEncoding);

  let decoded: DecodedPayload;
  // Gzip is recognised by its magic bytes whatever the hint says: SDKs often omit or misstate it,
  // and a gzip hint on bytes that are not gzip is ignored (the fixture corpus has such a request).
  if (bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) {
    const inflated = gunzip(bytes, sizeLimit);
    if (!Buffer.isBuffer(inflated)) return inflated;
    decoded = utf8Text(inflated, sizeLimit, 'decompressed payload');
  } else if (compression === 'lz64') {
    const text = decompressLz64(bytes);
    if (text === null) return badRequest('invalid lz64 data: expected lz-string compressToBase64 output');
    if (Buffer.byteLength(text, 'utf8') > sizeLimit) {
      return tooLarge(`decompressed payload exceeds ${sizeLimit} bytes: send smaller batches`);
    }
    decoded = { ok: true, text };
  } else if (compression === 'base64') {
    const raw = decodeBase64Strict(bytes);
    if (raw === null) {
      return badRequest('invalid base64 data: compression=base64 but the payload is not base64');
    }
    decoded = utf8Text(raw, sizeLimit, 'base64-decoded payload');
  } else {
    decoded = utf8Text(bytes, sizeLimit, 'request payload');
  }
  if (!decoded.ok) return decoded;

  // posthog-js form posts carry base64 inside `data`; one more layer may remain.
  const text = decoded.text;
  const first = text.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) {
    const inner = Buffer.from(text, 'utf8');
    if (looksBase64(inner)) {
      const unwrapped = decodeBase64Strict(inner);
      if (unwrapped !== null && isUtf8(unwrapped)) return { ok: true, text: unwrapped.toString('utf8') };
    }
  }
  return decoded;
}

function decompressLz64(bytes: Buffer): string | null {
  try {
    const text = LZString.decompressFromBase64(bytes.toString('latin1'));
    return typeof text === 'string' && text !== '' ? text : null;
  } catch {
    return null;
  }
}
