// The preflight probe's event name: the harness sends it before any load (probe-preflight.ts),
// and the reference target's injected faults leave it alone, so a fault run still starts and the
// fault counters count the run's events only.

export const PROBE_EVENT = 'ingestbench probe';
