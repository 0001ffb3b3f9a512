// Why capture refused a request, in PostHog's terms: 400 malformed, 401 token missing or
// malformed, 413 too large. Pure values, so the parser never throws for bad input.

export interface CaptureRejection {
  readonly ok: false;
  readonly status: 400 | 401 | 413;
  readonly message: string;
}

export const badRequest = (message: string): CaptureRejection => ({ ok: false, status: 400, message });
export const unauthorized = (message: string): CaptureRejection => ({ ok: false, status: 401, message });
export const tooLarge = (message: string): CaptureRejection => ({ ok: false, status: 413, message });
