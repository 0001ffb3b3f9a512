// V8 keeps `a + b` and template literals as a tree of pieces (a cons string) until something reads
// the text flat, and reading a tree later costs far more than copying flat text: web-app events
// built with `+` (about 40 pieces each) made the batch's Array#join a third of the sender's CPU.
// Events are now assembled as pieces and joined (event-generator.ts finish()); text cached and
// reused by many events (posthog-js-properties.ts session fragments) is flattened here once.

/** Sink for the conversions below: without a use of its result the optimiser may drop Number(). */
let _observed = 0;

/**
 * `text`, flattened in place. Number() of a string reads it flat, which makes V8 replace the
 * tree by one flat string; the conversion stops at the first character that is not part of a
 * number, so it costs little beyond the flattening itself.
 */
export function flatString(text: string): string {
  _observed += Number(text) || 0;
  return text;
}
