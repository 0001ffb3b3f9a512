// How numbers read in the terminal summary, summary.md and report.html (report.json keeps raw
// numbers). One place, so the three renderings never disagree about a figure.

/** A duration for people: "850 µs", "12.3 ms", "4.21 s", "3m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1) return `${sign}${Math.round(abs * 1000)} µs`;
  if (abs < 10) return `${sign}${abs.toFixed(2)} ms`;
  if (abs < 1000) return `${sign}${abs < 100 ? abs.toFixed(1) : Math.round(abs).toString()} ms`;
  const s = abs / 1000;
  if (s < 60) return `${sign}${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  const totalSeconds = Math.round(s);
  if (totalSeconds < 3600)
    return `${sign}${Math.floor(totalSeconds / 60)}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(totalSeconds / 60);
  return `${sign}${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** A latency that may be missing (no events measured): an em dash, never "0". */
export function formatLatency(ms: number | null): string {
  return ms === null ? '—' : formatDuration(ms);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A fraction as a percentage: 0.0123 → "1.23%". */
export function formatShare(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '—';
  const pct = fraction * 100;
  return `${pct === 0 || pct >= 10 ? pct.toFixed(1) : pct >= 0.01 ? pct.toFixed(2) : pct.toPrecision(2)}%`;
}

export function formatRate(eventsPerSecond: number): string {
  return `${eventsPerSecond >= 100 ? formatCount(Math.round(eventsPerSecond)) : eventsPerSecond.toFixed(1)}/s`;
}
