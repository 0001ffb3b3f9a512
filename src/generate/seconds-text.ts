// Milliseconds printed as seconds with up to three decimals, the way JSON.stringify prints
// `Date.now() / 1000` (posthog-js's $time) or a duration in seconds ($prev_pageview_duration):
// 1796601600.5, 12.034, 7. Double-to-text is slow on the hot path; whole numbers and a table of
// the 1,000 fractions are not.

/** ".001" … ".999" without trailing zeros, and "" for 0. */
const FRACTIONS: readonly string[] = Array.from({ length: 1000 }, (_, ms) =>
  ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`,
);

export class SecondsText {
  private lastSeconds = -1;
  private lastText = '';

  /** `ms` ≥ 0, whole milliseconds taken. */
  format(ms: number): string {
    const whole = Math.floor(ms);
    const seconds = Math.floor(whole / 1000);
    if (seconds !== this.lastSeconds) {
      // Reused while events share a second (thousands do at high rates).
      this.lastSeconds = seconds;
      this.lastText = String(seconds);
    }
    return this.lastText + FRACTIONS[whole - seconds * 1000]!;
  }
}
