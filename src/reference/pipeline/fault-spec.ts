// The reference target's fault switches, parsed from `--fault` and POST /admin/faults. One spec
// string ("drop-after-ack=0.01,delay=2s,duplicate=0.001,reject=429:0.05,crash-every=30s") feeds
// capture (reject), ingestion (drop-after-ack, duplicate, delay) and the supervisor (crash-every).

import { tryParseDuration } from '../../core/parse-duration.js';
import { IngestbenchError } from '../../errors.js';

export interface FaultSpec {
  /** Fraction of acknowledged events that ingestion silently never stores. */
  readonly dropAfterAck: number;
  /** Fraction of events that ingestion stores twice. */
  readonly duplicate: number;
  /** Ingestion holds each queued request until its enqueue time + this many ms. */
  readonly delayMs: number;
  /** Capture answers `status` for a fraction `probability` of requests, before enqueuing. */
  readonly reject: { readonly status: number; readonly probability: number } | null;
  /** The ingestion process is killed this often and restarted; null = never. */
  readonly crashEveryMs: number | null;
  /**
   * Fixed CPU work (hashing, CPU time not wall time) ingestion does per identified event, in µs:
   * makes identified events dearer by a known amount, so capacity tests know where the knee is.
   */
  readonly identifiedCostMicros: number;
  /** Seed of the fault decisions, so a run's injected faults can be reproduced. */
  readonly seed: number;
  /**
   * Projects over their billing quota: capture answers 200 and enqueues none of their events,
   * as PostHog's capture does. 'all', or the project ids; null = none.
   */
  readonly quota: 'all' | readonly number[] | null;
  /**
   * Ingestion reads nothing while set: capture keeps answering 200 and queues, the store stops
   * growing. The stall PostHog operators report (ingestion behind, capture fine), switched on and
   * off through POST /admin/faults so a monitor can be shown to notice it and to recover.
   */
  readonly paused: boolean;
}

export const NO_FAULTS: FaultSpec = {
  dropAfterAck: 0,
  duplicate: 0,
  delayMs: 0,
  reject: null,
  crashEveryMs: null,
  identifiedCostMicros: 0,
  seed: 1,
  quota: null,
  paused: false,
};

export const FAULT_SPEC_HELP =
  'comma-separated: drop-after-ack=P, duplicate=P, delay=DURATION, reject=STATUS:P, crash-every=DURATION, ' +
  'quota (every project over its quota) or quota=PROJECT_ID[+ID…], pause (ingestion stops, capture still 200), identified-cost=MICROS, seed=N ' +
  '(P a fraction 0..1, DURATION like 500ms, 2s, 1m, MICROS like 200us); "none" clears';

/** Each fault's part of the spec from its value (`part` is the whole KIND=VALUE, for messages). */
const FAULT_PARTS: Readonly<Record<string, (part: string, value: string) => Partial<FaultSpec>>> = {
  'drop-after-ack': (part, value) => ({ dropAfterAck: parseFraction(part, value) }),
  duplicate: (part, value) => ({ duplicate: parseFraction(part, value) }),
  delay: (part, value) => ({ delayMs: parseDuration(part, value) }),
  'crash-every': (part, value) => {
    const ms = parseDuration(part, value);
    if (ms < 100) throw faultError(part, 'crash-every must be at least 100ms');
    return { crashEveryMs: ms };
  },
  reject: (part, value) => ({ reject: parseReject(part, value) }),
  quota: (part, value) => {
    if (value === 'all') return { quota: 'all' };
    const ids = value.split('+').map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : Number.NaN));
    if (ids.some((id) => !(id >= 1)))
      throw faultError(part, 'quota takes project ids, e.g. quota=1 or quota=1+2');
    return { quota: [...new Set(ids)] };
  },
  pause: (part, value) => {
    if (value !== 'on') throw faultError(part, 'pause takes no value (write "pause")');
    return { paused: true };
  },
  'identified-cost': (part, value) => ({ identifiedCostMicros: parseMicros(part, value) }),
  seed: (part, value) => {
    if (!/^\d+$/.test(value)) throw faultError(part, 'seed must be a non-negative integer');
    return { seed: Number(value) >>> 0 };
  },
};

export function parseFaultSpec(spec: string): FaultSpec {
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'none') return NO_FAULTS;
  let result: FaultSpec = NO_FAULTS;
  const seen = new Set<string>();
  for (const rawPart of trimmed.split(',')) {
    const bare = rawPart.trim();
    const part = bare === 'quota' ? 'quota=all' : bare === 'pause' ? 'pause=on' : bare;
    const eq = part.indexOf('=');
    if (eq <= 0) throw faultError(part, 'expected KIND=VALUE');
    const kind = part.slice(0, eq).trim();
    if (seen.has(kind)) throw faultError(part, `"${kind}" is given twice`);
    seen.add(kind);
    const parse = Object.hasOwn(FAULT_PARTS, kind) ? FAULT_PARTS[kind] : undefined;
    if (parse === undefined) throw faultError(part, `unknown fault "${kind}"`);
    result = { ...result, ...parse(part, part.slice(eq + 1).trim()) };
  }
  return result;
}

/** The canonical spec string: parseFaultSpec(formatFaultSpec(s)) equals s. */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  if (spec.dropAfterAck > 0) parts.push(`drop-after-ack=${spec.dropAfterAck}`);
  if (spec.duplicate > 0) parts.push(`duplicate=${spec.duplicate}`);
  if (spec.delayMs > 0) parts.push(`delay=${spec.delayMs}ms`);
  if (spec.reject !== null) parts.push(`reject=${spec.reject.status}:${spec.reject.probability}`);
  if (spec.crashEveryMs !== null) parts.push(`crash-every=${spec.crashEveryMs}ms`);
  if (spec.quota === 'all') parts.push('quota');
  else if (spec.quota !== null) parts.push(`quota=${spec.quota.join('+')}`);
  if (spec.paused) parts.push('pause');
  if (spec.identifiedCostMicros > 0) parts.push(`identified-cost=${spec.identifiedCostMicros}us`);
  if (parts.length === 0) return 'none';
  if (spec.seed !== NO_FAULTS.seed) parts.push(`seed=${spec.seed}`);
  return parts.join(',');
}

function parseFraction(part: string, value: string): number {
  const n = /^\d*\.?\d+(e-?\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 1)) throw faultError(part, `"${value}" is not a fraction between 0 and 1`);
  return n;
}

function parseDuration(part: string, value: string): number {
  const result = tryParseDuration(value);
  if (!result.ok) throw faultError(part, `"${value}" is not a duration (use e.g. 500ms, 2s, 1m)`);
  return result.ms;
}

/** "200us", "200µs" or a duration ("1ms"), as whole microseconds up to one second. */
function parseMicros(part: string, value: string): number {
  const micros = /^(\d+)\s*(us|µs)$/.exec(value);
  const n = micros ? Number(micros[1]) : parseDuration(part, value) * 1000;
  if (!(Number.isInteger(n) && n >= 0 && n <= 1_000_000)) {
    throw faultError(part, `"${value}" must be whole microseconds from 0 to 1s, e.g. 200us`);
  }
  return n;
}

function parseReject(part: string, value: string): FaultSpec['reject'] {
  const colon = value.indexOf(':');
  if (colon <= 0) throw faultError(part, 'expected reject=STATUS:P, e.g. reject=429:0.05');
  const statusText = value.slice(0, colon);
  const status = /^\d{3}$/.test(statusText) ? Number(statusText) : Number.NaN;
  if (!(status >= 400 && status <= 599))
    throw faultError(part, `"${statusText}" is not an HTTP error status (400-599)`);
  return { status, probability: parseFraction(part, value.slice(colon + 1)) };
}

function faultError(part: string, why: string): IngestbenchError {
  return new IngestbenchError(
    'USAGE',
    `Bad fault spec part "${part}": ${why}. Fault spec: ${FAULT_SPEC_HELP}.`,
  );
}

/** Is this project over its quota under `spec`? */
export function isQuotaLimited(spec: FaultSpec, projectId: number): boolean {
  return spec.quota === 'all' || (spec.quota !== null && spec.quota.includes(projectId));
}
