// The preflight probe's event name: the harness sends it before any load (probe-preflight.ts),
// and the reference target's drop and duplicate faults leave it alone, so the fault counters count
// the run's events only and a dropped probe does not hold the preflight for a resend.

export const PROBE_EVENT = 'ingestbench probe';
