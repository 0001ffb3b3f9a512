// The preflight probe's event name: the harness sends it before any load (probe-preflight.ts).
// The targets the harness starts (embedded-target.ts, `serve`) name it in the reference target's
// spareFromFaults, so drop and duplicate faults leave it alone: the fault counters count the run's
// events only and a dropped probe does not hold the preflight for a resend.

export const PROBE_EVENT = 'ingestbench probe';
